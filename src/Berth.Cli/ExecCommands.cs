using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using Berth.Agent.Exec;
using Berth.Core.Ecs;
using Berth.Core.Exec;

namespace Berth.Cli;

/// <summary>
/// <c>berth exec --task ARN [--cluster C] [--container C] -- COMMAND…</c>: ECS Exec's client. It calls ExecuteCommand
/// (so the caller needs <c>ecs:ExecuteCommand</c> on the task, as with the aws CLI), then streams the session through
/// the server's relay to the task's agent, which runs the command with <c>docker exec</c>. With a terminal on stdin and
/// stdout the command gets a TTY and the local terminal is put in raw mode; otherwise stdin, stdout and stderr are piped.
/// The exit code is the command's.
/// </summary>
internal static class ExecCommands
{
    public static Command Exec()
    {
        var client = new ClientFlags();
        var task = new Option<string>("--task") { Description = "ARN or id of the task", Required = true };
        var cluster = new Option<string?>("--cluster") { Description = "The task's cluster (default: default)" };
        var container = new Option<string?>("--container") { Description = "The container to run in (needed when the task has several)" };
        var interactive = new Option<bool>("--interactive")
        {
            Description = "Interactive session (ExecuteCommand's interactive; ECS supports only interactive sessions)",
            DefaultValueFactory = _ => true,
        };
        var words = new Argument<string[]>("command") { Description = "The command and its arguments (after --)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("exec", "Run a command in a task's container (ECS Exec).");
        client.AddTo(command);
        command.Options.Add(task);
        command.Options.Add(cluster);
        command.Options.Add(container);
        command.Options.Add(interactive);
        command.Arguments.Add(words);
        command.SetAction((result, cancellationToken) => client.RunAsync("exec", result, async http =>
        {
            var request = new ExecuteCommandRequest
            {
                Task = result.GetValue(task),
                Cluster = result.GetValue(cluster),
                Container = result.GetValue(container),
                Command = ExecCommandLine.Join(result.GetValue(words)!),
                Interactive = result.GetValue(interactive),
            };
            var session = await ExecuteCommandAsync(http, request, cancellationToken).ConfigureAwait(false);
            using var channel = await ExecChannel.ConnectAsync(new Uri(session.StreamUrl!), session.TokenValue!, client.CaCertificate(result), cancellationToken)
                .ConfigureAwait(false);
            return await StreamAsync(channel, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    private static async Task<Session> ExecuteCommandAsync(HttpClient http, ExecuteCommandRequest request, CancellationToken cancellationToken)
    {
        var content = JsonContent.Create(request, EcsJsonContext.Default.ExecuteCommandRequest, new MediaTypeHeaderValue("application/x-amz-json-1.1"));
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri("/", UriKind.Relative)) { Content = content };
        message.Headers.Add("X-Amz-Target", $"{EcsOperations.TargetPrefix}.ExecuteCommand");
        using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await ServerClient.EnsureAcceptedAsync(response, cancellationToken).ConfigureAwait(false);
        var answer = await response.Content.ReadFromJsonAsync(EcsJsonContext.Default.ExecuteCommandResponse, cancellationToken).ConfigureAwait(false);
        return answer?.Session is { StreamUrl: not null, TokenValue: not null } session
            ? session
            : throw new IOException("ExecuteCommand answered without a session.");
    }

    /// <summary>Sends the start, stdin and resizes; writes the output; returns the command's exit code.</summary>
    private static async Task<int> StreamAsync(ExecChannel channel, CancellationToken cancellationToken)
    {
        var tty = !Console.IsInputRedirected && !Console.IsOutputRedirected;
        await channel.SendAsync(ExecFrames.Start(tty, tty ? Console.WindowWidth : 0, tty ? Console.WindowHeight : 0), cancellationToken).ConfigureAwait(false);
        using var terminal = tty ? RawTerminal.Enter() : null;
        using var resizes = tty && !OperatingSystem.IsWindows()
            ? PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => SendResize(channel))
            : null;
        using var input = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Not awaited: a read of a terminal cannot be cancelled, and the command may end while one waits.
        _ = SendInputAsync(channel, input.Token);
        var stdout = Console.OpenStandardOutput();
        var stderr = Console.OpenStandardError();
        while (await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false) is { } frame)
        {
            switch (frame.Type)
            {
                case ExecFrameType.Stdout or ExecFrameType.Stderr:
                    var target = frame.Type == ExecFrameType.Stdout ? stdout : stderr;
                    await target.WriteAsync(frame.Payload, cancellationToken).ConfigureAwait(false);
                    await target.FlushAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case ExecFrameType.Exit:
                    await input.CancelAsync().ConfigureAwait(false);
                    await channel.CloseAsync(CancellationToken.None).ConfigureAwait(false);
                    return ExecFrames.ReadExit(frame.Payload);
                case ExecFrameType.Error:
                    await input.CancelAsync().ConfigureAwait(false);
                    throw new IOException(System.Text.Encoding.UTF8.GetString(frame.Payload));
            }
        }
        throw new IOException("The session ended before the command's exit code arrived.");
    }

    private static void SendResize(ExecChannel channel) =>
        _ = channel.SendAsync(ExecFrames.Resize(Console.WindowWidth, Console.WindowHeight), CancellationToken.None);

    private static async Task SendInputAsync(ExecChannel channel, CancellationToken cancellationToken)
    {
        try
        {
            var stdin = Console.OpenStandardInput();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stdin.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await channel.SendAsync(ExecFrames.Data(ExecFrameType.Stdin, buffer.AsSpan(0, read)), cancellationToken).ConfigureAwait(false);
            }
            await channel.SendAsync([(byte)ExecFrameType.StdinClosed], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or System.Net.WebSockets.WebSocketException or ObjectDisposedException)
        {
            // The session ended first.
        }
    }

    /// <summary>The local terminal in raw mode (no echo, no line editing, keys such as Ctrl-C go to the command) until disposed.</summary>
    private sealed class RawTerminal : IDisposable
    {
        private readonly string _saved;

        private RawTerminal(string saved) => _saved = saved;

        public static RawTerminal Enter()
        {
            var saved = Stty("-g").Trim();
            Stty("raw", "-echo");
            return new RawTerminal(saved);
        }

        public void Dispose() => Stty(_saved);

        /// <summary>stty acts on its stdin, which it inherits: the terminal.</summary>
        private static string Stty(params string[] arguments)
        {
            var start = new ProcessStartInfo("stty") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start) ?? throw new IOException("stty could not be started.");
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return output;
        }
    }
}
