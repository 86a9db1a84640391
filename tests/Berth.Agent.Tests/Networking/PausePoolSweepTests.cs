using Berth.Agent.Docker;
using Berth.Agent.Networking;
using Berth.Agent.Tasks;
using Berth.Agent.Tests.Support;
using Berth.Core.Agent;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Networking;

/// <summary>The orphan sweep and the pool: a ready container is the pool's, one nobody holds is an orphan.</summary>
public sealed class PausePoolSweepTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Pooled = new() { [DockerLabels.AgentNamespace] = "fake", [PausePool.PoolLabel] = "subnet-s" };

    [Fact]
    public async Task The_orphan_sweep_leaves_the_ready_pool_alone_and_removes_a_pooled_container_nobody_holds()
    {
        await using var host = new FakeTaskHost(output);
        // Nothing ready yet: the caller creates its own, and the subnet's pool starts filling.
        Assert.Null(await host.Runtime.PausePool.TakeAsync("berth-subnet-s", "subnet-s", "berth/pause", "10.0.0.4", "02:42:0a:00:00:04", CancellationToken.None));
        IReadOnlyList<string> ready = [];
        await Waits.UntilAsync(async () =>
        {
            ready = (await host.Docker.ListContainersAsync(Pooled, CancellationToken.None)).Select(c => c.ID).ToList();
            return ready.Count == 2 && ready.All(host.Runtime.PausePool.Owns);
        }, TimeSpan.FromSeconds(30));
        var abandoned = await host.Docker.CreateContainerAsync(PauseContainerSpec.Pooled("berth/pause", "berth-subnet-s", "subnet-s", "default", "fake"), CancellationToken.None);

        await new TaskEngine(host.Runtime).RemoveOrphansAsync(CancellationToken.None);

        Assert.Equal(ready.Order(), (await host.Docker.ListContainersAsync(Pooled, CancellationToken.None)).Select(c => c.ID).Order());
        Assert.DoesNotContain(abandoned, (await host.Docker.ListContainersAsync(Pooled, CancellationToken.None)).Select(c => c.ID));

        var taken = await host.Runtime.PausePool.TakeAsync("berth-subnet-s", "subnet-s", "berth/pause", "10.0.0.5", "02:42:0a:00:00:05", CancellationToken.None);
        Assert.Contains(taken, ready);
        Assert.Contains($"connect {taken} berth-subnet-s 10.0.0.5", host.Docker.Calls);
    }
}
