using Docker.DotNet;

namespace Berth.Agent.Docker;

/// <summary>A command started with <c>docker exec</c>: its exec id and its attached stdin/stdout/stderr.</summary>
internal sealed record ExecProcess(string Id, MultiplexedStream Stream);
