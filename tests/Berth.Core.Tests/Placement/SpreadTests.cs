using static Berth.Core.Tests.Placement.PlacementFixtures;

namespace Berth.Core.Tests.Placement;

public sealed class SpreadTests
{
    private const string Az = "attribute:ecs.availability-zone";

    [Theory]
    [InlineData("instanceId")]
    [InlineData("host")]
    public void Spread_by_instance_puts_each_copy_on_the_instance_with_fewest_of_the_group(string field)
    {
        var plan = Place(Request(count: 6, strategies: [Spread(field)]), Instance("a"), Instance("b"), Instance("c"));
        Assert.Equal(["a", "b", "c", "a", "b", "c"], Ids(plan));
    }

    [Fact]
    public void Spread_by_instance_counts_existing_tasks_of_the_same_group_only()
    {
        var plan = Place(Request(count: 3, group: "service:web", strategies: [Spread("instanceId")]),
            Instance("a", tasks: [.. PlacedTasks("service:web", 2)]),
            Instance("b", tasks: [.. PlacedTasks("service:web", 1), .. PlacedTasks("service:api", 5)]),
            Instance("c", tasks: PlacedTasks("service:api", 9)));
        Assert.Equal(["c", "b", "c"], Ids(plan));
    }

    [Fact]
    public void Spread_by_zone_fills_the_zones_evenly()
    {
        var plan = Place(Request(count: 6, strategies: [Spread(Az)]),
            Instance("a1", az: "us-east-1a"), Instance("a2", az: "us-east-1a"),
            Instance("b1", az: "us-east-1b"),
            Instance("c1", az: "us-east-1c"), Instance("c2", az: "us-east-1c"), Instance("c3", az: "us-east-1c"));
        var zones = Ids(plan).Select(id => id[0]).ToArray();
        Assert.Equal(2, zones.Count(z => z == 'a'));
        Assert.Equal(2, zones.Count(z => z == 'b'));
        Assert.Equal(2, zones.Count(z => z == 'c'));
    }

    [Fact]
    public void Spread_by_zone_counts_the_group_tasks_across_all_instances_of_a_zone()
    {
        // Zone a has 3 web tasks over two instances, zone b has 2, zone c has 2: c and b fill first.
        var plan = Place(Request(count: 3, group: "service:web", strategies: [Spread(Az)]),
            Instance("a1", az: "us-east-1a", tasks: PlacedTasks("service:web", 2)),
            Instance("a2", az: "us-east-1a", tasks: PlacedTasks("service:web", 1)),
            Instance("b1", az: "us-east-1b", tasks: PlacedTasks("service:web", 2)),
            Instance("c1", az: "us-east-1c", tasks: [.. PlacedTasks("service:web", 2), .. PlacedTasks("service:other", 7)]));
        Assert.Equal(["b1", "c1", "a1"], Ids(plan));
    }

    [Fact]
    public void Spread_ignores_tasks_on_draining_instances()
    {
        // The draining instance's tasks are being replaced; their replacements belong in zone a.
        var plan = Place(Request(group: "service:web", strategies: [Spread(Az)]),
            Instance("a0", az: "us-east-1a", status: "DRAINING", tasks: PlacedTasks("service:web", 4)),
            Instance("a1", az: "us-east-1a"),
            Instance("b1", az: "us-east-1b", tasks: PlacedTasks("service:web", 1)));
        Assert.Equal(["a1"], Ids(plan));
    }

    [Fact]
    public void Spread_by_zone_stays_best_effort_when_a_zone_is_full()
    {
        var plan = Place(Request(count: 4, memory: 1024, strategies: [Spread(Az)]),
            Instance("a1", az: "us-east-1a", memory: 1024),
            Instance("b1", az: "us-east-1b", memory: 8192));
        Assert.Equal(["a1", "b1", "b1", "b1"], Ids(plan));
    }

    [Fact]
    public void Instances_without_the_attribute_form_a_value_of_their_own()
    {
        var plan = Place(Request(count: 4, strategies: [Spread("attribute:rack")]),
            Instance("a", attributes: new Dictionary<string, string?> { ["rack"] = "r1" }),
            Instance("b", attributes: new Dictionary<string, string?> { ["rack"] = "r1" }),
            Instance("c"));
        Assert.Equal(["a", "c", "a", "c"], Ids(plan));
    }

    [Fact]
    public void Spread_by_an_attribute_alone_balances_values_not_instances_within_a_value()
    {
        var rack = (string value) => new Dictionary<string, string?> { ["rack"] = value };
        var plan = Place(Request(count: 6, strategies: [Spread("attribute:rack")]),
            Instance("a", attributes: rack("r1")), Instance("b", attributes: rack("r1")), Instance("c", attributes: rack("r2")));
        // Within r1 the tie goes to the lowest ARN; add spread(instanceId) to balance a and b too.
        Assert.Equal(["a", "c", "a", "c", "a", "c"], Ids(plan));
    }
}
