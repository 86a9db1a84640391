using Berth.Server;
using Microsoft.AspNetCore.Builder;

namespace Berth.Api.Tests.Logs;

/// <summary>PutRetentionPolicy is enforced: the server's sweep deletes events older than the retention.</summary>
public sealed class LogRetentionTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-retention-{Guid.NewGuid():N}");
    private WebApplication? _app;
    private HttpClient? _http;

    public async Task InitializeAsync()
    {
        _app = await BerthServer.BuildAsync(new ServerOptions
        {
            Port = 0,
            DataDirectory = _dataDirectory,
            LogRetentionSweepInterval = TimeSpan.FromMilliseconds(200),
        }, CancellationToken.None);
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = BerthServer.EndpointOf(_app) };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Events_older_than_the_retention_are_deleted_by_the_sweep()
    {
        var logs = new EcsClient(_http!, "us-east-1", "Logs_20140328");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await logs.OkAsync("CreateLogGroup", new { logGroupName = "r" });
        await logs.OkAsync("CreateLogStream", new { logGroupName = "r", logStreamName = "s" });
        // Two batches: one batch may not span more than 24 hours.
        foreach (var (timestamp, message) in new[] { (now - 3 * 86_400_000L, "three days old"), (now, "fresh") })
        {
            await logs.OkAsync("PutLogEvents", new { logGroupName = "r", logStreamName = "s", logEvents = new[] { new { timestamp, message } } });
        }
        await logs.OkAsync("PutRetentionPolicy", new { logGroupName = "r", retentionInDays = 1 });

        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<string> messages;
        do
        {
            await Task.Delay(100);
            var events = await logs.OkAsync("GetLogEvents", new { logGroupName = "r", logStreamName = "s", startFromHead = true });
            messages = events["events"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()).ToList();
        }
        while (messages.Count > 1 && DateTime.UtcNow < deadline);

        Assert.Equal(["fresh"], messages);
        var stream = await logs.OkAsync("DescribeLogStreams", new { logGroupName = "r" });
        Assert.Equal("fresh".Length, stream["logStreams"]![0]!["storedBytes"]!.GetValue<long>());
    }
}
