using System.Collections.Concurrent;
using System.Net.WebSockets;
using Berth.Api.Protocol;
using Berth.Control.Agents;
using Berth.Core.Exec;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Agent;

/// <summary>
/// Joins the two WebSockets of an ECS Exec session (docs/agent-protocol.md, "Exec sessions"): the client's
/// (<c>GET /_berth/exec/v1/{sessionId}</c>, authorized by the session's token in <see cref="ExecFrames.TokenHeader"/>) and the
/// agent's (<c>GET /_berth/agent/v1/exec/{sessionId}</c>, signed as the agent of the task's instance). Each side's
/// messages go to the other unread; when one side closes, the other is closed after what was already sent.
/// </summary>
internal sealed partial class ExecRelay(ExecSessions sessions, ILogger<ExecRelay> logger)
{
    /// <summary>Where clients stream a session: this, then the session id.</summary>
    public const string ClientPath = "/_berth/exec/v1/";

    /// <summary>How long a closed side waits for the other to finish sending before the relay drops both.</summary>
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Rendezvous> _rendezvous = new(StringComparer.Ordinal);

    public async Task ClientAsync(HttpContext http)
    {
        var sessionId = (string)http.Request.RouteValues["sessionId"]!;
        if (!await RequireWebSocketAsync(http).ConfigureAwait(false))
        {
            return;
        }
        var token = http.Request.Headers[ExecFrames.TokenHeader].ToString();
        if (sessions.JoinAsClient(sessionId, token.Length > 0 ? token : null) is not { } session)
        {
            await JsonResponses.WriteErrorAsync(http.Response, StatusCodes.Status403Forbidden, "AccessDeniedException",
                "The session token is not valid for this session, or the session expired or was already used.").ConfigureAwait(false);
            return;
        }
        LogClientJoined(logger, sessionId, session.PrincipalArn, session.Assignment.TaskArn, session.Assignment.ContainerName);
        await RelayAsync(session, await http.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false), isClient: true, http.RequestAborted).ConfigureAwait(false);
    }

    public async Task AgentAsync(HttpContext http)
    {
        var sessionId = (string)http.Request.RouteValues["sessionId"]!;
        if (!await RequireWebSocketAsync(http).ConfigureAwait(false))
        {
            return;
        }
        if (sessions.JoinAsAgent(sessionId) is not { } session)
        {
            await JsonResponses.WriteErrorAsync(http.Response, StatusCodes.Status404NotFound, "SessionNotFound",
                $"Exec session {sessionId} is unknown, expired or already joined.").ConfigureAwait(false);
            return;
        }
        if (!AgentCaller.MayActFor(http, session.ContainerInstanceArn))
        {
            await AgentCaller.RefuseAsync(http, $"join exec session {sessionId}").ConfigureAwait(false);
            return;
        }
        await RelayAsync(session, await http.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false), isClient: false, http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<bool> RequireWebSocketAsync(HttpContext http)
    {
        if (http.WebSockets.IsWebSocketRequest)
        {
            return true;
        }
        await JsonResponses.WriteErrorAsync(http.Response, StatusCodes.Status400BadRequest, "InvalidParameterException",
            "An exec session's stream is a WebSocket: connect with a WebSocket upgrade.").ConfigureAwait(false);
        return false;
    }

    /// <summary>Waits for the other side (until the session's join deadline), then copies this side's messages to it.</summary>
    private async Task RelayAsync(ExecSession session, WebSocket socket, bool isClient, CancellationToken cancellationToken)
    {
        var sessionId = session.Assignment.SessionId;
        var rendezvous = _rendezvous.GetOrAdd(sessionId, _ => new Rendezvous());
        var (own, other) = isClient ? (rendezvous.Client, rendezvous.Agent) : (rendezvous.Agent, rendezvous.Client);
        own.Socket.TrySetResult(socket);
        try
        {
            var wait = session.ExpiresAt - DateTimeOffset.UtcNow;
            WebSocket peer;
            try
            {
                peer = await other.Socket.Task.WaitAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogNeverJoined(logger, sessionId, isClient ? "agent" : "client");
                await CloseAsync(socket, WebSocketCloseStatus.EndpointUnavailable, isClient ? "The task's agent did not join the session." : "No client joined the session.").ConfigureAwait(false);
                return;
            }
            await CopyAsync(socket, peer, cancellationToken).ConfigureAwait(false);
            own.Done.TrySetResult();
            // This side is done sending; the other may still be (the command's last output and exit code).
            await other.Done.Task.WaitAsync(Linger, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or WebSocketException)
        {
            LogRelayEnded(logger, sessionId, e.Message);
        }
        finally
        {
            own.Done.TrySetResult();
            if (rendezvous.Client.Done.Task.IsCompleted && rendezvous.Agent.Done.Task.IsCompleted)
            {
                _rendezvous.TryRemove(sessionId, out _);
                sessions.Close(sessionId);
            }
        }
    }

    /// <summary>Copies messages until <paramref name="from"/> closes, then closes <paramref name="to"/>'s sending side.</summary>
    private static async Task CopyAsync(WebSocket from, WebSocket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var received = await from.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                await to.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (WebSocketException)
        {
            // The side went away without a close handshake: the other is closed all the same.
        }
        await CloseAsync(to, WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
        if (from.State == WebSocketState.CloseReceived)
        {
            await CloseAsync(from, WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
        }
    }

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string? description)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                await socket.CloseOutputAsync(status, description, CancellationToken.None).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                // Already gone.
            }
        }
    }

    private sealed class Rendezvous
    {
        public Side Client { get; } = new();
        public Side Agent { get; } = new();
    }

    private sealed class Side
    {
        public TaskCompletionSource<WebSocket> Socket { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Exec session {SessionId}: {PrincipalArn} runs a command in container {ContainerName} of {TaskArn}")]
    private static partial void LogClientJoined(ILogger logger, string sessionId, string principalArn, string taskArn, string containerName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Exec session {SessionId}: the {Side} never joined; closing")]
    private static partial void LogNeverJoined(ILogger logger, string sessionId, string side);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Exec session {SessionId} ended: {Reason}")]
    private static partial void LogRelayEnded(ILogger logger, string sessionId, string reason);
}
