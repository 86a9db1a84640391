using Berth.Core.Ecs;
using Berth.Core.Placement;
using static Berth.Core.Tests.Placement.PlacementFixtures;

namespace Berth.Core.Tests.Placement;

public sealed class RandomStrategyTests
{
    private static readonly InstanceCandidate[] Four =
        [.. new[] { "a", "b", "c", "d" }.Select(id => Instance(id, cpu: 1_000_000, memory: 1_000_000))];

    private static string[] PlaceWithSeed(int seed, int count = 12) =>
        Ids(PlacementEngine.Place(new ClusterSnapshot(Four), Request(count: count, strategies: [RandomStrategy()]), new Random(seed)));

    [Fact]
    public void The_same_seed_gives_the_same_plan()
    {
        Assert.Equal(PlaceWithSeed(7), PlaceWithSeed(7));
    }

    [Fact]
    public void The_snapshot_order_does_not_change_a_seeded_plan()
    {
        var shuffled = new ClusterSnapshot([Four[2], Four[0], Four[3], Four[1]]);
        var plan = PlacementEngine.Place(shuffled, Request(count: 12, strategies: [RandomStrategy()]), new Random(7));
        Assert.Equal(PlaceWithSeed(7), Ids(plan));
    }

    [Fact]
    public void Different_seeds_give_different_plans()
    {
        Assert.NotEqual(PlaceWithSeed(1), PlaceWithSeed(2));
    }

    [Fact]
    public void Random_reaches_every_feasible_instance_and_no_infeasible_one()
    {
        var instances = new[] { Instance("a"), Instance("b"), Instance("c", agent: false), Instance("d", memory: 100) };
        var plan = PlacementEngine.Place(new ClusterSnapshot(instances), Request(count: 20, strategies: [RandomStrategy()]), new Random(3));
        Assert.Equal(["a", "b"], Ids(plan).Distinct().Order().ToArray());
    }

    [Fact]
    public void Random_is_roughly_uniform()
    {
        var counts = PlaceWithSeed(11, count: 4000).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(counts.Values, n => Assert.InRange(n, 850, 1150));
    }
}
