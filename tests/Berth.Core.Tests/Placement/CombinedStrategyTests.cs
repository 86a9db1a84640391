using static Berth.Core.Tests.Placement.PlacementFixtures;

namespace Berth.Core.Tests.Placement;

public sealed class CombinedStrategyTests
{
    private const string Az = "attribute:ecs.availability-zone";

    [Fact]
    public void Spread_by_zone_then_binpack_memory_packs_within_each_zone()
    {
        var plan = Place(Request(count: 4, memory: 512, strategies: [Spread(Az), Binpack("memory")]),
            Instance("a1", az: "us-east-1a", memory: 4096), Instance("a2", az: "us-east-1a", memory: 1024),
            Instance("b1", az: "us-east-1b", memory: 2048), Instance("b2", az: "us-east-1b", memory: 8192));
        Assert.Equal(["a2", "b1", "a2", "b1"], Ids(plan));
    }

    [Fact]
    public void Spread_by_zone_then_by_instance_balances_both()
    {
        var plan = Place(Request(count: 4, strategies: [Spread(Az), Spread("instanceId")]),
            Instance("a1", az: "us-east-1a"), Instance("a2", az: "us-east-1a"), Instance("b1", az: "us-east-1b"));
        Assert.Equal(["a1", "b1", "a2", "b1"], Ids(plan));
    }

    [Fact]
    public void Binpack_then_spread_spreads_only_among_equally_full_instances()
    {
        var plan = Place(Request(group: "service:web", strategies: [Binpack("memory"), Spread("instanceId")]),
            Instance("a", memory: 1024, tasks: PlacedTasks("service:web", 2)),
            Instance("b", memory: 1024, tasks: PlacedTasks("service:web", 1)),
            Instance("c", memory: 4096));
        Assert.Equal(["b"], Ids(plan));
    }

    [Fact]
    public void Strategies_after_random_do_not_matter()
    {
        var request = Request(count: 20, strategies: [RandomStrategy(), Binpack("memory")]);
        var withTail = Place(request, Instance("a"), Instance("b"), Instance("c"));
        var alone = Place(request with { Strategies = [RandomStrategy()] }, Instance("a"), Instance("b"), Instance("c"));
        Assert.Equal(Ids(alone), Ids(withTail));
    }

    [Fact]
    public void Spread_by_zone_then_random_picks_randomly_within_the_least_loaded_zone()
    {
        var plan = Place(Request(count: 40, strategies: [Spread(Az), RandomStrategy()]),
            Big("a1", "us-east-1a"), Big("a2", "us-east-1a"), Big("a3", "us-east-1a"), Big("b1", "us-east-1b"));
        var ids = Ids(plan);
        Assert.Equal(20, ids.Count(id => id == "b1"));
        Assert.All(new[] { "a1", "a2", "a3" }, id => Assert.Contains(id, ids));
        // Zones alternate: each copy goes to the zone with fewer copies so far.
        for (var i = 0; i < ids.Length; i += 2)
        {
            Assert.NotEqual(ids[i][0], ids[i + 1][0]);
        }
    }

    private static Berth.Core.Placement.InstanceCandidate Big(string id, string az) => Instance(id, cpu: 100_000, memory: 100_000, az: az);
}
