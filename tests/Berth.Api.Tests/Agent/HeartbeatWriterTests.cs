using Berth.Control.Agents;
using Berth.Core.ContainerInstances;
using Berth.Core.State;
using Berth.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Api.Tests.Agent;

/// <summary>
/// Heartbeats written together: one commit for the instances whose heartbeat is due, each on its own after a conflict,
/// and none for an instance deregistered meanwhile; a store outage is logged once. Time is frozen, so most tests flush
/// what the polls queued; the outage's moves a fake clock under the writer's own flushes.
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

    [Fact]
    public async Task A_store_outage_is_one_warning_however_many_flushes_it_fails_and_one_line_when_the_store_is_back()
    {
        var store = new Outage(Fixture.Store);
        var time = new FakeTimeProvider(Now);
        using var logs = new CapturedLogs();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var writer = new HeartbeatWriter(store, AgentLiveness.Default, time, loggers.CreateLogger<HeartbeatWriter>());
        var instance = await InstanceAsync(InstanceArn);

        // Each failed flush drops what it took, and the agent's next poll queues it again, as here.
        for (var flushes = 1; flushes <= 3; flushes++)
        {
            writer.Enqueue(instance);
            Assert.True(await FlushedAsync(time, () => store.Reads >= flushes), $"flush {flushes} did not run");
        }
        store.Down = false;
        var heardAt = time.GetUtcNow();
        writer.Enqueue(instance);
        Assert.True(await FlushedAsync(time, () => logs.Count >= 2), string.Join(" | ", logs.Since(0)));

        Assert.Equal(heardAt, await LastSeenAsync(InstanceArn));
        var entries = logs.Since(0);
        // A warning per flush before: one a second while the store was away.
        Assert.True(entries.Count == 2, string.Join(" | ", entries));
        Assert.Equal((LogLevel.Warning, LogLevel.Information), (entries[0].Level, entries[1].Level));
        Assert.Contains("HeartbeatWriter cannot use the store", entries[0].Message, StringComparison.Ordinal);
        Assert.Equal("HeartbeatWriter uses the store again", entries[1].Message);
    }

    /// <summary>
    /// Moves the fake clock a collection period at a time until <paramref name="done"/> holds (the writer's loop may not
    /// have started its wait when the clock first moves).
    /// </summary>
    private static async Task<bool> FlushedAsync(FakeTimeProvider time, Func<bool> done) =>
        await Eventually.ReadAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return Task.FromResult(done());
        }, flushed => flushed);

    private static HeartbeatWriter Writer(IStateStore store) =>
        new(store, AgentLiveness.Default, new FrozenTime(Now), NullLogger<HeartbeatWriter>.Instance);

    private async Task<Versioned<ContainerInstanceRecord>> InstanceAsync(string arn) =>
        (await Fixture.Store.GetAsync(EcsRecords.ContainerInstances, arn, CancellationToken.None))!;

    private async Task<DateTimeOffset> LastSeenAsync(string arn) =>
        (await Fixture.Store.GetAsync(EcsRecords.AgentHeartbeats, arn, CancellationToken.None))!.Value.LastSeen;

    /// <summary>A store that is unavailable, as a stopped PostgreSQL is, while <see cref="Down"/>; counts the writer's reads.</summary>
    private sealed class Outage(IStateStore inner) : ForwardingStore(inner)
    {
        private int _reads;

        public volatile bool Down = true;

        public int Reads => Volatile.Read(ref _reads);

        public override Task<IReadOnlyList<StoredRecord>> GetManyAsync(string kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            return Down
                ? throw new StoreUnavailableException("Berth's data store cannot be used: the database is stopped.", new IOException("connection refused"))
                : base.GetManyAsync(kind, ids, cancellationToken);
        }
    }
}
