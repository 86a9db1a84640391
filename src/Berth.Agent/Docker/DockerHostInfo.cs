namespace Berth.Agent.Docker;

/// <summary>The engine's facts that registration needs.</summary>
internal sealed record DockerHostInfo(int Cpus, long MemoryBytes, string Architecture, string ServerVersion, Version ApiVersion);
