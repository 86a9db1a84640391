using Berth.Control.Agents;
using Berth.Server.Controllers;
using Berth.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Api.Tests.Controllers;

/// <summary>
/// <see cref="AssignmentWatcher"/> wakes this server's agent polls for what other servers commit: the tests commit to
/// the store directly, as another server would, without notifying anyone.
/// </summary>
public sealed class AssignmentWatcherTests : IAsyncLifetime
{
    private const string InstanceArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/watch/0123456789abcdef";

    private readonly AssignmentSignals _signals = new();
    private readonly InstanceVersions _versions = new(new ChangeFeed());
    private OneInstanceStore? _fixture;

    private OneInstanceStore Fixture => _fixture ?? throw new InvalidOperationException("The store is not open.");

    public async Task InitializeAsync() => _fixture = await OneInstanceStore.OpenAsync(InstanceArn, DateTimeOffset.UtcNow);

    public async Task DisposeAsync() => await Fixture.DisposeAsync();

    private AssignmentWatcher Watcher() => new(Fixture.Store, _signals, _versions, TimeProvider.System, NullLogger<AssignmentWatcher>.Instance);

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
    public async Task A_scan_tells_the_polls_instance_versions_what_it_listed_so_a_woken_poll_reads_the_new_one()
    {
        _versions.EndRead(InstanceArn, 1, _versions.BeginRead(InstanceArn));
        var instance = await Fixture.Store.GetAsync(EcsRecords.ContainerInstances, InstanceArn, CancellationToken.None);
        await Fixture.Store.CommitAsync([EcsRecords.BumpAssignments(instance!)], CancellationToken.None);

        await Watcher().ScanAsync(CancellationToken.None);

        Assert.False(_versions.IsNewest(InstanceArn, 1));
        Assert.True(_versions.IsNewest(InstanceArn, 2));
    }
}
