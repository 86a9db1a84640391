using Berth.Api.Agent;
using Berth.Control.Agents;
using Berth.Store;

namespace Berth.Api.Tests.Agent;

/// <summary>
/// The instance record a poll looks at on each wake: read again only once this server knows of a newer version (one it
/// committed, or one the assignment watcher listed), deserialized again only when its version moved.
/// </summary>
public sealed class KeptInstancesTests : IAsyncLifetime
{
    private const string InstanceArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/kept/0123456789abcdef";
    private readonly ChangeFeed _feed = new();
    private OneInstanceStore? _fixture;

    private OneInstanceStore Fixture => _fixture ?? throw new InvalidOperationException("The store is not open.");

    /// <summary>This server's store: its commits reach the feed, as every commit of a server does.</summary>
    private IStateStore ThisServer => new ChangeFeedStateStore(Fixture.Store, _feed);

    public async Task InitializeAsync() => _fixture = await OneInstanceStore.OpenAsync(InstanceArn, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    public async Task DisposeAsync() => await Fixture.DisposeAsync();

    [Fact]
    public async Task A_wake_with_no_newer_version_known_reads_nothing_and_a_version_this_server_committed_is_read()
    {
        var reads = new CountingReads(ThisServer);
        var kept = new KeptInstances(reads, new InstanceVersions(_feed));
        var first = await kept.ReadAsync(InstanceArn, CancellationToken.None);

        var again = await kept.ReadAsync(InstanceArn, CancellationToken.None);
        Assert.Same(first, again);
        Assert.Single(reads.Reads);

        await ThisServer.CommitAsync([EcsRecords.BumpAssignments(first!)], CancellationToken.None);
        var moved = await kept.ReadAsync(InstanceArn, CancellationToken.None);

        Assert.Equal((2L, 2L), (moved!.Version, moved.Value.AssignmentsVersion));
        Assert.Equal(2, reads.Reads.Count);
    }

    [Fact]
    public async Task A_version_another_server_committed_is_read_once_the_watcher_listed_it()
    {
        var versions = new InstanceVersions(_feed);
        var kept = new KeptInstances(ThisServer, versions);
        var first = await kept.ReadAsync(InstanceArn, CancellationToken.None);

        await Fixture.Store.CommitAsync([EcsRecords.BumpAssignments(first!)], CancellationToken.None);
        Assert.Same(first, await kept.ReadAsync(InstanceArn, CancellationToken.None));

        var listed = await Fixture.Store.VersionsAsync(new RecordQuery(EcsRecords.ContainerInstanceKind, null), CancellationToken.None);
        versions.Listed(listed.ToDictionary(r => r.Id, r => r.Version));

        Assert.Equal(2L, (await kept.ReadAsync(InstanceArn, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task An_instance_deregistered_here_reads_as_none()
    {
        var kept = new KeptInstances(ThisServer, new InstanceVersions(_feed));
        var read = await kept.ReadAsync(InstanceArn, CancellationToken.None);

        await ThisServer.CommitAsync([EcsRecords.ContainerInstances.Delete(read!)], CancellationToken.None);

        Assert.Null(await kept.ReadAsync(InstanceArn, CancellationToken.None));
    }

    [Fact]
    public async Task An_instance_another_server_deregistered_reads_as_none_once_the_watcher_no_longer_lists_it()
    {
        var versions = new InstanceVersions(_feed);
        var kept = new KeptInstances(ThisServer, versions);
        var read = await kept.ReadAsync(InstanceArn, CancellationToken.None);

        await Fixture.Store.CommitAsync([EcsRecords.ContainerInstances.Delete(read!)], CancellationToken.None);
        versions.Listed(new Dictionary<string, long>());

        Assert.Null(await kept.ReadAsync(InstanceArn, CancellationToken.None));
    }

    [Fact]
    public async Task After_a_commit_whose_outcome_is_unknown_the_next_wake_reads_the_store()
    {
        var kept = new KeptInstances(ThisServer, new InstanceVersions(_feed));
        var first = await kept.ReadAsync(InstanceArn, CancellationToken.None);
        // The commit applies, but its answer is lost (a connection dropped after COMMIT): nobody knows the outcome.
        var lostAnswer = new ChangeFeedStateStore(new AnswerLost(Fixture.Store), _feed);

        await Assert.ThrowsAsync<IOException>(() => lostAnswer.CommitAsync([EcsRecords.BumpAssignments(first!)], CancellationToken.None));

        Assert.Equal(2L, (await kept.ReadAsync(InstanceArn, CancellationToken.None))!.Version);
    }

    private sealed class AnswerLost(IStateStore inner) : ForwardingStore(inner)
    {
        public override async Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
        {
            await base.CommitAsync(writes, cancellationToken);
            throw new IOException("The connection dropped before the commit's answer.");
        }
    }
}
