using Berth.Agent.Logs;
using Berth.Agent.Tests.Support;
using Berth.Core.Agent;
using Berth.Core.Logs;
using Docker.DotNet.Models;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Logs;

/// <summary>The shipper against the in-memory engine, where Docker's misbehaviours can be scripted exactly.</summary>
public sealed class ContainerLogShipperTests(ITestOutputHelper output) : IDisposable
{
    private const string Group = "/test/shipper";
    private const string Stream = "app/printer/1";
    private readonly FakeDocker _docker = new();
    private readonly FakeLogsClient _logs = new();
    private readonly string _positionPath = Path.Combine(Path.GetTempPath(), $"shipper-{Guid.NewGuid():N}.position");

    public void Dispose() => File.Delete(_positionPath);

    private async Task<string> StartPrinterAsync()
    {
        var id = await _docker.CreateContainerAsync(new CreateContainerParameters
        {
            Name = "printer",
            Labels = new Dictionary<string, string> { [DockerLabels.ContainerName] = "printer" },
        }, CancellationToken.None);
        await _docker.StartContainerAsync(id, CancellationToken.None);
        return id;
    }

    private Task ShipAsync(string id, string? multilinePattern = null)
    {
        _logs.AddGroup(Group);
        var options = new AwsLogsOptions(Group, "us-east-1", "app", CreateGroup: false) { MultilinePattern = multilinePattern };
        var shipper = new ContainerLogShipper(_logs, _docker, options,
            () => new LogsCaller("us-east-1"), id, tty: false, Stream, _positionPath, TimeProvider.System,
            new TestLoggerFactory(output).CreateLogger(nameof(ContainerLogShipper)));
        return shipper.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_follow_that_ends_short_when_the_container_stops_is_read_to_the_end_without_a_line_twice()
    {
        var id = await StartPrinterAsync();
        // As in Docker's log: stderr's copier stamped "err 2" before stdout's stamped "out 3", but wrote it after.
        DockerLogLine[] written =
        [
            new(10, "out 1", LogSource.Stdout), new(12, "err 1", LogSource.Stderr), new(11, "out 2", LogSource.Stdout),
            new(13, "out 3", LogSource.Stdout), new(12, "err 2", LogSource.Stderr), new(14, "out 4", LogSource.Stdout),
        ];
        foreach (var line in written)
        {
            _docker.Write(id, line);
        }
        _docker.EndNextFollowShort(id, missing: 3);

        await ShipAsync(id);

        Assert.Equal(written.Select(l => l.Message).Order(StringComparer.Ordinal), _logs.Messages(Group, Stream).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_shipper_that_restarts_resumes_each_stream_after_its_own_last_shipped_line()
    {
        var id = await StartPrinterAsync();
        _docker.Write(id, new DockerLogLine(10, "out 1", LogSource.Stdout));
        _docker.Write(id, new DockerLogLine(12, "err 1", LogSource.Stderr));
        _docker.Exit(id, 0);
        await ShipAsync(id);
        // The container is started again and writes on both streams: one stamped before stderr's last shipped line.
        await _docker.StartContainerAsync(id, CancellationToken.None);
        _docker.Write(id, new DockerLogLine(11, "out 2", LogSource.Stdout));
        _docker.Write(id, new DockerLogLine(12, "err 2", LogSource.Stderr));
        _docker.Exit(id, 0);

        await ShipAsync(id);

        Assert.Equal(["out 1", "err 1", "out 2", "err 2"], _logs.Messages(Group, Stream));
    }

    [Fact]
    public async Task A_multiline_event_cut_by_a_follow_that_ends_short_is_read_again_whole()
    {
        var id = await StartPrinterAsync();
        string[] written = ["2024-05-01 ERROR boom", "    at A.run()", "2024-05-01 INFO retried", "    after 2 attempts", "    and it worked"];
        for (var i = 0; i < written.Length; i++)
        {
            _docker.Write(id, new DockerLogLine(10 + i, written[i], LogSource.Stdout));
        }
        _docker.EndNextFollowShort(id, missing: 1); // the second event's last line comes only with the read after the stop

        await ShipAsync(id, multilinePattern: @"^\d{4}-");

        Assert.Equal(["2024-05-01 ERROR boom\n    at A.run()\n", "2024-05-01 INFO retried\n    after 2 attempts\n    and it worked\n"],
            _logs.Messages(Group, Stream));
    }
}
