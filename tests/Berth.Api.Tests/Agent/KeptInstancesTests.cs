using Berth.Api.Agent;
using Berth.Store;

namespace Berth.Api.Tests.Agent;

/// <summary>The instance record a poll reads at each wake: as stored, deserialized again only when its version moved.</summary>
public sealed class KeptInstancesTests : IAsyncLifetime
{
    private const string InstanceArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/kept/0123456789abcdef";
    private OneInstanceStore? _fixture;

    private OneInstanceStore Fixture => _fixture ?? throw new InvalidOperationException("The store is not open.");

    public async Task InitializeAsync() => _fixture = await OneInstanceStore.OpenAsync(InstanceArn, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    public async Task DisposeAsync() => await Fixture.DisposeAsync();

    [Fact]
    public async Task A_record_read_again_at_its_version_is_the_one_kept_and_a_moved_one_is_read_as_it_is_now()
    {
        var kept = new KeptInstances(Fixture.Store);
        var first = await kept.ReadAsync(InstanceArn, CancellationToken.None);

        var again = await kept.ReadAsync(InstanceArn, CancellationToken.None);
        await Fixture.Store.CommitAsync([EcsRecords.BumpAssignments(first!)], CancellationToken.None);
        var moved = await kept.ReadAsync(InstanceArn, CancellationToken.None);

        Assert.Same(first, again);
        Assert.Equal((2L, 2L), (moved!.Version, moved.Value.AssignmentsVersion));
    }

    [Fact]
    public async Task A_deregistered_instance_reads_as_none()
    {
        var kept = new KeptInstances(Fixture.Store);
        var read = await kept.ReadAsync(InstanceArn, CancellationToken.None);

        await Fixture.Store.CommitAsync([EcsRecords.ContainerInstances.Delete(read!)], CancellationToken.None);

        Assert.Null(await kept.ReadAsync(InstanceArn, CancellationToken.None));
    }
}
