using Berth.Control.Agents;
using Berth.Core.ContainerInstances;
using Berth.Core.State;
using Berth.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Api.Tests.Agent;

/// <summary>
/// Heartbeats written together: one commit for the instances whose heartbeat is due, each on its own after a conflict,
/// and none for an instance deregistered meanwhile. Time is frozen, so the tests flush what the polls queued.
/// </summary>
public sealed class HeartbeatWriterTests : IAsyncLifetime
{
    private const string InstanceArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/beats/0123456789abcdef";
    private const string OtherArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/beats/fedcba9876543210";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly DateTimeOffset LongAgo = Now - TimeSpan.FromMinutes(1);

    private OneInstanceStore? _fixture;

    private OneInstanceStore Fixture => _fixture ?? throw new InvalidOperationException("The store is not open.");

    public async Task InitializeAsync()
    {
        _fixture = await OneInstanceStore.OpenAsync(InstanceArn, LongAgo);
        await Fixture.Store.CommitAsync([EcsRecords.PutInstance(Other, 0), EcsRecords.PutHeartbeat(Other, new AgentHeartbeatRecord(LongAgo), 0)], CancellationToken.None);
    }

    public async Task DisposeAsync() => await Fixture.DisposeAsync();

    private ContainerInstanceRecord Other => Fixture.Instance with
    {
        Instance = Fixture.Instance.Instance with { ContainerInstanceArn = OtherArn, Ec2InstanceId = "i-other" },
        Identity = Fixture.Instance.Identity with { InstanceId = "i-other" },
    };

    [Fact]
    public async Task Due_heartbeats_of_several_instances_are_one_commit_and_a_recent_one_is_not_written_again()
    {
        var store = new CountingCommits(Fixture.Store);
        var writer = Writer(store);
        writer.Enqueue(await InstanceAsync(InstanceArn));
        writer.Enqueue(await InstanceAsync(OtherArn));

        await writer.FlushAsync(CancellationToken.None);
        Assert.Equal(1, store.Commits);
        Assert.Equal([Now, Now], [await LastSeenAsync(InstanceArn), await LastSeenAsync(OtherArn)]);

        // Heard again at once (another poll of the instance): its heartbeat is recent enough, nothing is written.
        writer.Enqueue(await InstanceAsync(InstanceArn));
        await writer.FlushAsync(CancellationToken.None);
        Assert.Equal(1, store.Commits);
    }

    [Fact]
    public async Task A_heartbeat_moved_by_someone_else_meanwhile_fails_none_of_the_others()
    {
        // Another server writes the other instance's heartbeat between this writer's reads and its commit.
        var store = new WriteBeforeCommit(Fixture.Store, async inner =>
        {
            var current = await inner.GetAsync(EcsRecords.AgentHeartbeats, OtherArn, CancellationToken.None);
            await inner.CommitAsync([EcsRecords.PutHeartbeat(Other, new AgentHeartbeatRecord(LongAgo.AddSeconds(1)), current!.Version)], CancellationToken.None);
        });
        var writer = Writer(store);
        writer.Enqueue(await InstanceAsync(InstanceArn));
        writer.Enqueue(await InstanceAsync(OtherArn));

        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal([Now, Now], [await LastSeenAsync(InstanceArn), await LastSeenAsync(OtherArn)]);
    }

    [Fact]
    public async Task The_heartbeat_of_an_instance_deregistered_meanwhile_is_not_created_again()
    {
        var writer = Writer(Fixture.Store);
        var instance = await InstanceAsync(InstanceArn);
        writer.Enqueue(instance);
        // Deregistration deletes the instance and its heartbeat before the writer's turn.
        var heartbeat = await Fixture.Store.GetAsync(EcsRecords.AgentHeartbeats, InstanceArn, CancellationToken.None);
        await Fixture.Store.CommitAsync([EcsRecords.ContainerInstances.Delete(instance), EcsRecords.AgentHeartbeats.Delete(heartbeat!)], CancellationToken.None);
        writer.Enqueue(await InstanceAsync(OtherArn));

        await writer.FlushAsync(CancellationToken.None);

        Assert.Null(await Fixture.Store.GetAsync(EcsRecords.AgentHeartbeats, InstanceArn, CancellationToken.None));
        Assert.Equal(Now, await LastSeenAsync(OtherArn));
    }

    private static HeartbeatWriter Writer(IStateStore store) =>
        new(store, AgentLiveness.Default, new FrozenTime(Now), NullLogger<HeartbeatWriter>.Instance);

    private async Task<Versioned<ContainerInstanceRecord>> InstanceAsync(string arn) =>
        (await Fixture.Store.GetAsync(EcsRecords.ContainerInstances, arn, CancellationToken.None))!;

    private async Task<DateTimeOffset> LastSeenAsync(string arn) =>
        (await Fixture.Store.GetAsync(EcsRecords.AgentHeartbeats, arn, CancellationToken.None))!.Value.LastSeen;
}
