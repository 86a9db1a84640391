using System.Net.WebSockets;
using System.Text;
using Berth.Agent.Exec;
using Berth.Agent.Tests.Support;
using Berth.Core.Agent;
using Berth.Core.Exec;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Exec;

/// <summary>ECS Exec on the real Docker engine: the agent joins a session from its poll and runs the command with docker exec.</summary>
public sealed class ExecSessionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_session_runs_its_command_in_the_container_with_stdin_and_reports_the_exit_code()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var task = TestTasks.Assignment("exec", "bridge", TestTasks.Web());
        await h.RunUntilAsync(task, "RUNNING");

        var hi = await RunAsync(h, task.Task.TaskArn!, ["echo", "hi"], stdin: null, tty: false);
        Assert.Equal((0, "hi\n", ""), hi);

        var piped = await RunAsync(h, task.Task.TaskArn!, ["sh", "-c", "cat; echo bad >&2; exit 5"], stdin: "from stdin\n", tty: false);
        Assert.Equal((5, "from stdin\n", "bad\n"), piped);

        var (code, terminal, _) = await RunAsync(h, task.Task.TaskArn!, ["tty"], stdin: null, tty: true);
        Assert.Equal(0, code);
        Assert.StartsWith("/dev/pts/", terminal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_for_a_container_that_does_not_run_here_gets_an_error_frame()
    {
        await using var h = await AgentHarness.StartAsync(output);
        using var channel = new ExecChannel(await h.Server.OfferExecAsync(Session("arn:aws:ecs:us-east-1:000000000000:task/default/none", ["true"]))
            .WaitAsync(Timeout));
        await channel.SendAsync(ExecFrames.Start(tty: false, 0, 0), CancellationToken.None);
        var frame = await channel.ReceiveAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(ExecFrameType.Error, frame!.Value.Type);
        Assert.Contains("is not running on this instance", Encoding.UTF8.GetString(frame.Value.Payload), StringComparison.Ordinal);
    }

    /// <summary>Plays <c>berth exec</c>: start, stdin and its end, then the output until the exit code.</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(AgentHarness h, string taskArn, string[] command, string? stdin, bool tty)
    {
        using var channel = new ExecChannel(await h.Server.OfferExecAsync(Session(taskArn, command)).WaitAsync(Timeout));
        await channel.SendAsync(ExecFrames.Start(tty, 80, 24), CancellationToken.None);
        if (stdin is not null)
        {
            await channel.SendAsync(ExecFrames.Data(ExecFrameType.Stdin, Encoding.UTF8.GetBytes(stdin)), CancellationToken.None);
        }
        if (!tty)
        {
            await channel.SendAsync([(byte)ExecFrameType.StdinClosed], CancellationToken.None);
        }
        var (stdout, stderr) = (new StringBuilder(), new StringBuilder());
        while (await channel.ReceiveAsync(CancellationToken.None).WaitAsync(Timeout) is { } frame)
        {
            switch (frame.Type)
            {
                case ExecFrameType.Stdout:
                    stdout.Append(Encoding.UTF8.GetString(frame.Payload));
                    break;
                case ExecFrameType.Stderr:
                    stderr.Append(Encoding.UTF8.GetString(frame.Payload));
                    break;
                case ExecFrameType.Exit:
                    await channel.CloseAsync(CancellationToken.None);
                    return (ExecFrames.ReadExit(frame.Payload), stdout.ToString(), stderr.ToString());
                default:
                    throw new WebSocketException($"Unexpected {frame.Type} frame: {Encoding.UTF8.GetString(frame.Payload)}");
            }
        }
        throw new WebSocketException("The session closed without an exit code.");
    }

    private static ExecSessionAssignment Session(string taskArn, string[] command) => new()
    {
        SessionId = $"ecs-execute-command-{Guid.NewGuid():N}",
        TaskArn = taskArn,
        ContainerName = "web",
        Command = command,
    };
}
