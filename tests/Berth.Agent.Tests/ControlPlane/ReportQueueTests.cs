using Berth.Agent.ControlPlane;
using Berth.Agent.Tests.Support;
using Berth.Core.Agent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.ControlPlane;

/// <summary>The report queue sends what is pending together, the latest report of each task only, until acknowledged.</summary>
public sealed class ReportQueueTests(ITestOutputHelper output) : IAsyncDisposable
{
    private const string Instance = "arn:aws:ecs:us-east-1:000000000000:container-instance/default/queue";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly FakeControlPlane _server = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    [Fact]
    public async Task Reports_pending_at_once_go_in_one_request_with_the_latest_of_each_task()
    {
        var queue = Start();
        queue.Enqueue(Report("a", "PENDING"));
        queue.Enqueue(Report("b", "PENDING"));
        queue.Enqueue(Report("a", "RUNNING"));
        queue.SetInstance(Instance); // nothing is sent before registration, so all three are pending now

        await _server.WaitForReportAsync("b", _ => true, Timeout);
        Assert.Equal([2], _server.ReportBatches);
        Assert.Equal([("a", "RUNNING"), ("b", "PENDING")], _server.Reports.Select(r => (r.TaskArn, r.LastStatus)).OrderBy(r => r.TaskArn));
        Assert.All(_server.Reports, r => Assert.Equal(Instance, r.ContainerInstanceArn));
        await Eventually(() => queue.PendingCount == 0);
    }

    [Fact]
    public async Task A_backlog_goes_in_requests_of_bounded_size_oldest_first()
    {
        var queue = Start();
        var count = AgentTaskReportBatch.MaxReports * 2 + 5;
        for (var i = 0; i < count; i++)
        {
            queue.Enqueue(Report($"t{i:D3}", "RUNNING"));
        }
        queue.SetInstance(Instance);

        await _server.WaitForReportAsync($"t{count - 1:D3}", _ => true, Timeout);
        Assert.Equal([AgentTaskReportBatch.MaxReports, AgentTaskReportBatch.MaxReports, 5], _server.ReportBatches);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"t{i:D3}"), _server.Reports.Select(r => r.TaskArn));
    }

    [Fact]
    public async Task Reports_are_retried_together_until_the_server_is_back()
    {
        _server.FailReports = true;
        var queue = Start();
        queue.SetInstance(Instance);
        queue.Enqueue(Report("a", "RUNNING"));
        await Eventually(() => _server.FailedReportRequests > 0);
        queue.Enqueue(Report("b", "RUNNING"));
        queue.Enqueue(Report("a", "STOPPED"));
        _server.FailReports = false;

        await _server.WaitForReportAsync("b", _ => true, Timeout);
        Assert.Equal(2, _server.ReportBatches[^1]);
        Assert.Equal([("a", "STOPPED"), ("b", "RUNNING")], _server.Reports.Select(r => (r.TaskArn, r.LastStatus)).OrderBy(r => r.TaskArn));
    }

    [Fact]
    public async Task A_report_the_server_no_longer_wants_is_dropped_while_the_others_are_acknowledged()
    {
        _server.ForgetTask("gone");
        var queue = Start();
        queue.Enqueue(Report("gone", "RUNNING"));
        queue.Enqueue(Report("kept", "RUNNING"));
        queue.SetInstance(Instance);

        await _server.WaitForReportAsync("kept", _ => true, Timeout);
        await Eventually(() => queue.PendingCount == 0);
        Assert.Equal([2], _server.ReportBatches); // "gone" was answered notFound and not sent again
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }
        _stop.Dispose();
    }

    private ReportQueue Start()
    {
        ILoggerFactory loggers = new TestLoggerFactory(output);
        var queue = new ReportQueue(_server, TimeProvider.System, loggers.CreateLogger<ReportQueue>());
        _running = queue.RunAsync(_stop.Token);
        return queue;
    }

    private static AgentTaskReport Report(string taskArn, string status) =>
        new() { ContainerInstanceArn = "unset", TaskArn = taskArn, LastStatus = status, Containers = [] };

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition should hold in time");
            await Task.Delay(20);
        }
    }
}
