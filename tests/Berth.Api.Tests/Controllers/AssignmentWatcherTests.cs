using Berth.Control.Agents;
using Berth.Server.Controllers;
using Berth.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Api.Tests.Controllers;

/// <summary>
/// <see cref="AssignmentWatcher"/> wakes this server's agent polls for what other servers commit: the tests commit to
/// the store directly, as another server would, without notifying anyone; what this server commits goes through its
/// <see cref="ChangeFeed"/>, and its committer has notified the polls already.
/// </summary>
public sealed class AssignmentWatcherTests : IAsyncLifetime
{
    private const string InstanceArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/watch/0123456789abcdef";

    private readonly AssignmentSignals _signals = new();
    private readonly ChangeFeed _feed = new();
    private OneInstanceStore? _fixture;

    private OneInstanceStore Fixture => _fixture ?? throw new InvalidOperationException("The store is not open.");

    public async Task InitializeAsync() => _fixture = await OneInstanceStore.OpenAsync(InstanceArn, DateTimeOffset.UtcNow);

    public async Task DisposeAsync() => await Fixture.DisposeAsync();

    private AssignmentWatcher Watcher() => new(Fixture.Store, _feed, _signals, TimeProvider.System, NullLogger<AssignmentWatcher>.Instance);

    /// <summary>The store as this server commits to it: through its change feed.</summary>
    private ChangeFeedStateStore ThisServer => new(Fixture.Store, _feed);

    [Fact]
    public async Task A_placement_another_server_commits_wakes_the_instances_polls_at_the_next_scan_and_a_heartbeat_does_not()
    {
        var watcher = Watcher();
        await watcher.ScanAsync(CancellationToken.None);
        var woken = _signals.Changed(InstanceArn);

        await Fixture.HeartbeatAsync(DateTimeOffset.UtcNow);
        await watcher.ScanAsync(CancellationToken.None);
        Assert.False(woken.IsCompleted);

        var instance = await Fixture.Store.GetAsync(EcsRecords.ContainerInstances, InstanceArn, CancellationToken.None);
        await Fixture.Store.CommitAsync([EcsRecords.BumpAssignments(instance!)], CancellationToken.None);
        await watcher.ScanAsync(CancellationToken.None);

        Assert.True(woken.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task An_instance_another_server_deregistered_wakes_its_polls_so_they_find_it_gone()
    {
        var watcher = Watcher();
        await watcher.ScanAsync(CancellationToken.None);
        var woken = _signals.Changed(InstanceArn);

        var instance = await Fixture.Store.GetAsync(EcsRecords.ContainerInstances, InstanceArn, CancellationToken.None);
        await Fixture.Store.CommitAsync([EcsRecords.ContainerInstances.Delete(instance!)], CancellationToken.None);
        await watcher.ScanAsync(CancellationToken.None);

        Assert.True(woken.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_placement_this_server_commits_is_not_notified_again_by_the_scan()
    {
        var watcher = Watcher();
        await watcher.ScanAsync(CancellationToken.None);

        var instance = await Fixture.Store.GetAsync(EcsRecords.ContainerInstances, InstanceArn, CancellationToken.None);
        await ThisServer.CommitAsync([EcsRecords.BumpAssignments(instance!)], CancellationToken.None);
        var woken = _signals.Changed(InstanceArn); // taken after the commit: the placement itself notified before
        await watcher.ScanAsync(CancellationToken.None);

        Assert.False(woken.IsCompleted);
    }

    [Fact]
    public async Task Another_servers_change_after_one_of_this_servers_is_notified()
    {
        var watcher = Watcher();
        await watcher.ScanAsync(CancellationToken.None);

        var instance = await Fixture.Store.GetAsync(EcsRecords.ContainerInstances, InstanceArn, CancellationToken.None);
        await ThisServer.CommitAsync([EcsRecords.BumpAssignments(instance!)], CancellationToken.None);
        var woken = _signals.Changed(InstanceArn);
        var ours = await Fixture.Store.GetAsync(EcsRecords.ContainerInstances, InstanceArn, CancellationToken.None);
        await Fixture.Store.CommitAsync([EcsRecords.BumpAssignments(ours!)], CancellationToken.None);
        await watcher.ScanAsync(CancellationToken.None);

        Assert.True(woken.IsCompletedSuccessfully);
    }
}
