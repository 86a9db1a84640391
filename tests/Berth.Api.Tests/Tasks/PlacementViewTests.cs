using Berth.Control.Agents;
using Berth.Control.Clusters;
using Berth.Control.Tasks;
using Berth.Core.Agent;
using Berth.Core.Arns;
using Berth.Core.ContainerInstances;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.State;
using Berth.Core.Tasks;
using Berth.Store;
using Berth.Store.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Api.Tests.Tasks;

/// <summary>
/// <see cref="TaskLauncher"/> keeps a view of each cluster across placements (<see cref="PlacementView"/>). Two
/// launchers over one store stand for two servers sharing a database: neither may ever book an instance beyond what
/// it has, however stale its view, and each must see what the other placed and what stopped. Each launcher commits
/// through a <see cref="ChangeFeedStateStore"/> of its own, as each server does, so a view takes in its own server's
/// changes at once and another server's through a conflict or its next listing.
/// </summary>
public sealed class PlacementViewTests : IAsyncLifetime
{
    private const string ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/views";
    private const string InstanceArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/views/0123456789abcdef";

    private const string SecondInstanceArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/views/fedcba9876543210";

    private static readonly ResourceScope Scope = new("us-east-1", "000000000000");
    private static readonly Cluster Cluster = new() { ClusterArn = ClusterArn, ClusterName = "views", Status = "ACTIVE" };

    /// <summary>Half the instance's CPU: two such tasks fill it.</summary>
    private static readonly TaskLaunch HalfInstance = new(
        new TaskDefinition
        {
            Family = "half",
            TaskDefinitionArn = "arn:aws:ecs:us-east-1:000000000000:task-definition/half:1",
            ContainerDefinitions = [new ContainerDefinition { Name = "app", Image = "berth/sample-worker", Cpu = 512, Memory = 128 }],
        },
        Overrides: null, StartedBy: null, Group: "family:half", Tags: [], LaunchType: "EC2");

    private OneInstanceStore? _fixture;

    private OneInstanceStore Fixture => _fixture ?? throw new InvalidOperationException("The store is not open.");

    private SqliteStateStore Store => Fixture.Store;

    public async Task InitializeAsync() => _fixture = await OneInstanceStore.OpenAsync(InstanceArn, DateTimeOffset.UtcNow);

    public async Task DisposeAsync() => await Fixture.DisposeAsync();

    [Fact]
    public async Task A_placement_another_server_commits_between_the_views_read_and_its_commit_is_caught_and_nothing_is_overbooked()
    {
        var other = Launcher(Followed(Store));
        // Right after this server reads the instance and its claims, the other server fills the instance: this server's
        // plan is made on a view that no longer holds, and only its commit can find out.
        var launcher = Launcher(Followed(new AfterFirstClaimsRead(Store, () => other.RunAsync(Scope, Cluster, HalfInstance, 2, [], [], CancellationToken.None))));

        var result = await launcher.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None);

        await AssertRefusedForCpuWithTheInstanceFullAsync(result);
    }

    [Fact]
    public async Task A_view_kept_from_an_earlier_placement_sees_what_another_server_placed_since_through_the_conflict_its_commit_meets()
    {
        // The clock stands still, so the view lists only because its commit conflicted: the feed showed nothing.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var launcher = Launcher(Followed(Store), time);
        var other = Launcher(Followed(Store), time);
        Assert.Single((await launcher.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None)).Tasks);
        Assert.Single((await other.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None)).Tasks);

        var result = await launcher.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None);

        await AssertRefusedForCpuWithTheInstanceFullAsync(result);
    }

    [Fact]
    public async Task A_task_that_stopped_on_this_server_gives_its_room_back_to_a_kept_view_at_once()
    {
        var server = Followed(Store);
        var launcher = Launcher(server, new FakeTimeProvider(DateTimeOffset.UtcNow));
        var placed = await launcher.RunAsync(Scope, Cluster, HalfInstance, 2, [], [], CancellationToken.None);
        Assert.Equal(2, placed.Tasks.Count);
        Assert.Empty((await launcher.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None)).Tasks);

        var stopped = placed.Tasks[0];
        var report = new AgentTaskReport { ContainerInstanceArn = InstanceArn, TaskArn = stopped.TaskArn!, LastStatus = "STOPPED", Containers = [] };
        Assert.Equal(TaskReports.Outcome.Changed, (await new TaskReports(server, TimeProvider.System).ApplyAsync(report, fromAgent: true, CancellationToken.None)).Outcome);

        Assert.Single((await launcher.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None)).Tasks);
        Assert.Equal(1024, await ClaimedCpuAsync());
    }

    [Fact]
    public async Task A_claim_freed_without_moving_the_instances_assignments_is_seen_once_the_views_claims_age_out()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var launcher = Launcher(Followed(Store), time);
        Assert.Equal(2, (await launcher.RunAsync(Scope, Cluster, HalfInstance, 2, [], [], CancellationToken.None)).Tasks.Count);
        // As a task recorded lost frees its claim: the instance's record does not move.
        var claim = (await Store.QueryAsync(EcsRecords.TaskAssignments, new RecordQuery(EcsRecords.TaskAssignments.Kind, InstanceArn), CancellationToken.None))[0];
        await Store.CommitAsync([EcsRecords.TaskAssignments.Delete(claim)], CancellationToken.None);
        Assert.Empty((await launcher.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None)).Tasks);

        time.Advance(TimeSpan.FromSeconds(31));

        Assert.Single((await launcher.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None)).Tasks);
        Assert.Equal(1024, await ClaimedCpuAsync());
    }

    [Fact]
    public async Task An_agents_heartbeat_between_the_views_read_and_its_commit_moves_nothing_the_placement_guards()
    {
        var launcher = Launcher(Followed(new AfterFirstClaimsRead(Store, () => Fixture.HeartbeatAsync(DateTimeOffset.UtcNow))));

        Assert.Single((await launcher.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None)).Tasks);

        // Registered at 1, moved once by the placement: the heartbeat went to its own record, so no retry re-planned.
        Assert.Equal(2, (await Store.GetAsync(EcsRecords.ContainerInstances, InstanceArn, CancellationToken.None))!.Version);
        Assert.Equal(2, (await Store.GetAsync(EcsRecords.AgentHeartbeats, InstanceArn, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task A_kept_view_follows_the_agents_heartbeat_though_the_instance_record_does_not_move()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var server = Followed(Store);
        var launcher = Launcher(server, time);
        Assert.Single((await launcher.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None)).Tasks);

        time.Advance(AgentLiveness.Default.DisconnectedAfter + TimeSpan.FromSeconds(1));
        Assert.Empty((await launcher.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None)).Tasks);

        // Through this server, so the view sees it at once (the clock does not move on to the next listing).
        await Fixture.HeartbeatAsync(time.GetUtcNow(), server);
        Assert.Single((await launcher.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None)).Tasks);
    }

    [Fact]
    public async Task A_kept_view_drops_an_instance_this_server_removed_at_once()
    {
        var server = Followed(Store);
        var launcher = Launcher(server, new FakeTimeProvider(DateTimeOffset.UtcNow));
        Assert.Single((await launcher.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None)).Tasks);
        var instance = await Store.GetAsync(EcsRecords.ContainerInstances, InstanceArn, CancellationToken.None);
        var heartbeat = await Store.GetAsync(EcsRecords.AgentHeartbeats, InstanceArn, CancellationToken.None);

        await server.CommitAsync([EcsRecords.ContainerInstances.Delete(instance!), EcsRecords.AgentHeartbeats.Delete(heartbeat!)], CancellationToken.None);

        await Assert.ThrowsAsync<InvalidParameterException>(() => launcher.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None));
    }

    [Fact]
    public async Task A_kept_view_sees_an_instance_another_server_registered_once_its_last_listing_is_the_listing_interval_old()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var launcher = Launcher(Followed(Store), time);
        Assert.Equal(2, (await launcher.RunAsync(Scope, Cluster, HalfInstance, 2, [], [], CancellationToken.None)).Tasks.Count);
        var second = Fixture.Instance with
        {
            Instance = Fixture.Instance.Instance with { ContainerInstanceArn = SecondInstanceArn, Ec2InstanceId = "i-fedcba9876543210" },
            Identity = Fixture.Instance.Identity with { InstanceId = "i-fedcba9876543210" },
        };

        // Registered through another server: this server's feed does not show it, and its instance is full.
        await Store.CommitAsync([EcsRecords.PutInstance(second, 0), EcsRecords.PutHeartbeat(second, new AgentHeartbeatRecord(time.GetUtcNow()), 0)],
            CancellationToken.None);
        Assert.Empty((await launcher.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None)).Tasks);
        time.Advance(ChangeFeed.ListingInterval);

        Assert.Equal(SecondInstanceArn, Assert.Single((await launcher.RunAsync(Scope, Cluster, HalfInstance, 1, [], [], CancellationToken.None)).Tasks).ContainerInstanceArn);
    }

    /// <summary>A server's store over <paramref name="store"/>: its commits reach its own feed.</summary>
    private static ChangeFeedStateStore Followed(IStateStore store) => new(store, new ChangeFeed());

    private static TaskLauncher Launcher(ChangeFeedStateStore store, TimeProvider? time = null) =>
        new(new ClusterState(store, store.Feed, time ?? TimeProvider.System), AgentLiveness.Default, new AssignmentSignals(), time ?? TimeProvider.System);

    /// <summary>Nothing placed for lack of CPU, and the instance holds the two half-instance tasks and no third.</summary>
    private async Task AssertRefusedForCpuWithTheInstanceFullAsync(TaskLauncher.Result result)
    {
        Assert.Empty(result.Tasks);
        Assert.Equal("RESOURCE:CPU", Assert.Single(result.Failures).Reason);
        Assert.Equal(1024, await ClaimedCpuAsync());
    }

    private async Task<int> ClaimedCpuAsync() =>
        (await Store.QueryAsync(EcsRecords.TaskAssignments, new RecordQuery(EcsRecords.TaskAssignments.Kind, InstanceArn), CancellationToken.None))
        .Sum(c => c.Value.Cpu);

    /// <summary>The store, except that right after the first read of an instance's claims <paramref name="meanwhile"/> runs.</summary>
    private sealed class AfterFirstClaimsRead(IStateStore inner, Func<Task> meanwhile) : CommitDecorator(inner)
    {
        private int _reads;

        public override async Task<IReadOnlyList<StoredRecord>> QueryAsync(RecordQuery query, CancellationToken cancellationToken)
        {
            var records = await Inner.QueryAsync(query, cancellationToken);
            if (query.Kind == EcsRecords.TaskAssignments.Kind && Interlocked.Increment(ref _reads) == 1)
            {
                await meanwhile();
            }
            return records;
        }

        public override Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken) => Inner.CommitAsync(writes, cancellationToken);

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
