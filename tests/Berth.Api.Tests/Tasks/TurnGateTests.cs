using Berth.Control.Tasks;

namespace Berth.Api.Tests.Tasks;

public sealed class TurnGateTests
{
    private const string ClusterA = "arn:aws:ecs:us-east-1:000000000000:cluster/a";
    private const string ClusterB = "arn:aws:ecs:us-east-1:000000000000:cluster/b";

    [Fact]
    public async Task A_second_placement_on_a_cluster_waits_for_the_first_and_goes_when_it_ends()
    {
        var gate = new TurnGate();
        var first = await gate.EnterAsync(ClusterA, CancellationToken.None);

        var second = gate.EnterAsync(ClusterA, CancellationToken.None);
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second).Dispose();
    }

    [Fact]
    public async Task Placements_on_other_clusters_do_not_wait()
    {
        var gate = new TurnGate();
        using var first = await gate.EnterAsync(ClusterA, CancellationToken.None);

        var other = gate.EnterAsync(ClusterB, CancellationToken.None);

        Assert.True(other.IsCompleted);
        (await other).Dispose();
    }

    [Fact]
    public async Task Ending_a_turn_twice_lets_only_one_waiting_placement_through()
    {
        var gate = new TurnGate();
        var first = await gate.EnterAsync(ClusterA, CancellationToken.None);
        var second = gate.EnterAsync(ClusterA, CancellationToken.None);
        var third = gate.EnterAsync(ClusterA, CancellationToken.None);

        first.Dispose();
        first.Dispose();

        var secondTurn = await second;
        Assert.False(third.IsCompleted);
        secondTurn.Dispose();
        (await third).Dispose();
    }
}
