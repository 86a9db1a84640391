using Berth.Server;
using Microsoft.Extensions.DependencyInjection;
using ServerLeadership = Berth.Server.Leadership.Leadership;

namespace Berth.Api.Tests.Leadership;

/// <summary>Two servers on one data directory (one SQLite file): one runs the controllers, both answer the API.</summary>
public sealed class TwoServersTests : IAsyncDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-two-{Guid.NewGuid():N}");
    private readonly List<RunningServer> _servers = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private async Task<RunningServer> StartAsync()
    {
        var server = await RunningServer.StartAsync(new ServerOptions { Port = 0, DataDirectory = _dataDirectory });
        _servers.Add(server);
        return server;
    }

    private static bool Holds(RunningServer server) => server.Services.GetRequiredService<ServerLeadership>().Current is not null;

    [Fact]
    public async Task One_server_holds_the_lease_and_the_other_takes_over_when_it_stops()
    {
        var first = await StartAsync();
        await Eventually.ReadAsync(() => Task.FromResult(Holds(first)), held => held);
        var second = await StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var (firstHeld, secondHeld) = (Holds(first), Holds(second));

        // API calls are answered by every server, and each sees what the other wrote.
        await second.Client("us-east-1").OkAsync("CreateCluster", new { clusterName = "two" });
        var described = await first.Client("us-east-1").OkAsync("DescribeClusters", new { clusters = new[] { "two" } });
        await first.DisposeAsync();
        _servers.Remove(first);
        var takenOver = await Eventually.ReadAsync(() => Task.FromResult(Holds(second)), held => held);

        Assert.True(firstHeld);
        Assert.False(secondHeld);
        Assert.Equal("ACTIVE", (string?)described["clusters"]![0]!["status"]);
        Assert.True(takenOver);
    }
}
