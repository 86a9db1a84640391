using System.Collections.Concurrent;
using Berth.Agent.ControlPlane;
using Berth.Agent.Docker;
using Berth.Agent.Tasks;
using Berth.Core.Agent;
using Berth.Core.Exec;
using Berth.Core.Tasks;
using Docker.DotNet;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Exec;

/// <summary>
/// Runs the ECS Exec sessions the server hands this agent in its poll answers (docs/agent-protocol.md, "Exec sessions"):
/// for each new one it opens the session's relay socket, waits for the client's Start frame (TTY or not, and its size),
/// runs the command with <c>docker exec</c> in the task's container, and streams stdin, output and the exit code.
/// </summary>
internal sealed partial class ExecSessionRunner(IControlPlane controlPlane, IDockerDriver docker, TaskEngine engine, TimeProvider time, ILogger<ExecSessionRunner> logger)
{
    /// <summary>How long the client has to close its side once it has the exit code.</summary>
    private static readonly TimeSpan InputLinger = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Task> _sessions = new(StringComparer.Ordinal);

    /// <summary>Starts the sessions not seen before; a poll lists a session until the agent has joined it.</summary>
    public void Start(IReadOnlyList<ExecSessionAssignment>? sessions, CancellationToken cancellationToken)
    {
        foreach (var session in sessions ?? [])
        {
            if (!_sessions.ContainsKey(session.SessionId))
            {
                _sessions.TryAdd(session.SessionId, Task.Run(() => RunAsync(session, cancellationToken), CancellationToken.None));
            }
        }
    }

    /// <summary>Waits for the sessions still running (they end when the agent's token is cancelled).</summary>
    public Task StopAsync() => Task.WhenAll(_sessions.Values);

    private async Task RunAsync(ExecSessionAssignment session, CancellationToken cancellationToken)
    {
        try
        {
            using var channel = new ExecChannel(await controlPlane.OpenExecAsync(session.SessionId, cancellationToken).ConfigureAwait(false));
            var start = await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (start is not { Type: ExecFrameType.Start } first)
            {
                return;
            }
            var (tty, columns, rows) = ExecFrames.ReadStart(first.Payload);
            var containerId = engine.Find(session.TaskArn)?.View.Containers
                .FirstOrDefault(c => c.Name == session.ContainerName && c.KnownStatus == TaskStatuses.Running)?.RuntimeId;
            if (containerId is null)
            {
                await channel.SendAsync(ExecFrames.Error($"The container {session.ContainerName} of {session.TaskArn} is not running on this instance."), cancellationToken).ConfigureAwait(false);
                await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            LogStarting(logger, session.SessionId, session.TaskArn, session.ContainerName, tty);
            var exitCode = await RunCommandAsync(channel, containerId, session.Command, tty, columns, rows, cancellationToken).ConfigureAwait(false);
            LogFinished(logger, session.SessionId, exitCode);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogFailed(logger, e, session.SessionId);
        }
        finally
        {
            // Its id stays known for a while: a poll answered just before the join may still list it.
            _ = ForgetLaterAsync(session.SessionId);
        }
    }

    private async Task<long> RunCommandAsync(ExecChannel channel, string containerId, IReadOnlyList<string> command, bool tty, int columns, int rows,
        CancellationToken cancellationToken)
    {
        ExecProcess process;
        try
        {
            process = await docker.StartExecAsync(containerId, command, tty, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            await channel.SendAsync(ExecFrames.Error($"The command could not start: {e.ResponseBody}"), cancellationToken).ConfigureAwait(false);
            await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
            return -1;
        }
        using var stream = process.Stream;
        if (tty && columns > 0 && rows > 0)
        {
            await ResizeAsync(process.Id, columns, rows, cancellationToken).ConfigureAwait(false);
        }
        var stdin = CopyInputAsync(channel, process, cancellationToken);
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            if (read.EOF)
            {
                break;
            }
            var type = read.Target == MultiplexedStream.TargetStream.StandardError ? ExecFrameType.Stderr : ExecFrameType.Stdout;
            await channel.SendAsync(ExecFrames.Data(type, buffer.AsSpan(0, read.Count)), cancellationToken).ConfigureAwait(false);
        }
        var exitCode = await docker.GetExecExitCodeAsync(process.Id, cancellationToken).ConfigureAwait(false);
        await channel.SendAsync(ExecFrames.Exit((int)exitCode), cancellationToken).ConfigureAwait(false);
        await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
        // The input side ends with the client's close; cancelling a WebSocket's receive would abort the socket instead,
        // and with it the exit code still on its way.
        await stdin.WaitAsync(InputLinger, cancellationToken).ConfigureAwait(false);
        return exitCode;
    }

    /// <summary>The client's frames: stdin bytes, the end of stdin, terminal resizes; until the output ends.</summary>
    private async Task CopyInputAsync(ExecChannel channel, ExecProcess process, CancellationToken cancellationToken)
    {
        try
        {
            while (await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false) is { } frame)
            {
                switch (frame.Type)
                {
                    case ExecFrameType.Stdin:
                        await process.Stream.WriteAsync(frame.Payload, 0, frame.Payload.Length, cancellationToken).ConfigureAwait(false);
                        break;
                    case ExecFrameType.StdinClosed:
                        process.Stream.CloseWrite();
                        break;
                    case ExecFrameType.Resize:
                        var (columns, rows) = ExecFrames.ReadSize(frame.Payload);
                        await ResizeAsync(process.Id, columns, rows, cancellationToken).ConfigureAwait(false);
                        break;
                }
            }
            // The client went away: what it started should not outlive it waiting for input.
            process.Stream.CloseWrite();
        }
        catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException)
        {
            // The agent is stopping or the stream dropped; the output side reports either way.
        }
    }

    /// <summary>A command that already exited cannot be resized, and needs no size any more.</summary>
    private async Task ResizeAsync(string execId, int columns, int rows, CancellationToken cancellationToken)
    {
        try
        {
            await docker.ResizeExecAsync(execId, columns, rows, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            LogResizeRefused(logger, execId, e.Message);
        }
    }

    private async Task ForgetLaterAsync(string sessionId)
    {
        await Task.Delay(TimeSpan.FromMinutes(2), time).ConfigureAwait(false);
        _sessions.TryRemove(sessionId, out _);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Exec session {SessionId}: running in container {ContainerName} of {TaskArn} (tty {Tty})")]
    private static partial void LogStarting(ILogger logger, string sessionId, string taskArn, string containerName, bool tty);

    [LoggerMessage(Level = LogLevel.Information, Message = "Exec session {SessionId}: the command exited with {ExitCode}")]
    private static partial void LogFinished(ILogger logger, string sessionId, long exitCode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Exec {ExecId}: the engine refused a resize ({Error})")]
    private static partial void LogResizeRefused(ILogger logger, string execId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Exec session {SessionId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string sessionId);
}
