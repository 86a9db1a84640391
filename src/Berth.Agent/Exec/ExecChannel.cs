using System.Net.WebSockets;
using Berth.Agent.ControlPlane;
using Berth.Core.Exec;

namespace Berth.Agent.Exec;

/// <summary>
/// One end of an ECS Exec session's stream: frames (<see cref="ExecFrames"/>) as WebSocket binary messages. The agent
/// holds one end and <c>berth exec</c> the other; the server relays between them. Sends may come from several loops.
/// </summary>
public sealed class ExecChannel(WebSocket socket, IDisposable? connection = null) : IDisposable
{
    private const int MaxFrameBytes = 1024 * 1024;
    private readonly SemaphoreSlim _sending = new(1, 1);

    /// <summary>
    /// Joins a session as its client: <paramref name="streamUrl"/> and <paramref name="token"/> are what ExecuteCommand
    /// answered; a wss:// server is verified as the agent verifies its server.
    /// </summary>
    public static async Task<ExecChannel> ConnectAsync(Uri streamUrl, string token, string? caCertificatePath, CancellationToken cancellationToken)
    {
        var transport = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) };
        ServerTrust.Apply(transport, caCertificatePath);
        var invoker = new HttpMessageInvoker(transport);
        var socket = new ClientWebSocket();
        try
        {
            socket.Options.SetRequestHeader(ExecFrames.TokenHeader, token);
            await socket.ConnectAsync(streamUrl, invoker, cancellationToken).ConfigureAwait(false);
            return new ExecChannel(socket, invoker);
        }
        catch
        {
            socket.Dispose();
            invoker.Dispose();
            throw;
        }
    }

    public async Task SendAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>The next frame: its type and payload; null once the other end closed.</summary>
    public async Task<(ExecFrameType Type, byte[] Payload)?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            message.Write(buffer, 0, received.Count);
            if (message.Length > MaxFrameBytes)
            {
                throw new WebSocketException(WebSocketError.Faulted, "An exec frame is larger than 1 MiB.");
            }
            if (received.EndOfMessage)
            {
                break;
            }
        }
        var bytes = message.ToArray();
        return bytes.Length == 0 ? throw new WebSocketException(WebSocketError.Faulted, "An empty exec frame.") : ((ExecFrameType)bytes[0], bytes[1..]);
    }

    /// <summary>Ends this side's sending; the other end sees the close after every frame sent before it.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                // The other end is gone already: nothing is left to close.
            }
        }
    }

    public void Dispose()
    {
        socket.Dispose();
        connection?.Dispose();
        _sending.Dispose();
    }
}
