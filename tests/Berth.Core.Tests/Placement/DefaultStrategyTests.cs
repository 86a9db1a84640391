using Berth.Core.Placement;
using static Berth.Core.Tests.Placement.PlacementFixtures;

namespace Berth.Core.Tests.Placement;

public sealed class DefaultStrategyTests
{
    [Fact]
    public void Service_tasks_default_to_spread_across_availability_zones()
    {
        var strategy = Assert.Single(PlacementRules.DefaultStrategies("service:web"));
        Assert.Equal(("spread", "attribute:ecs.availability-zone"), (strategy.Type, strategy.Field));
    }

    [Theory]
    [InlineData("family:web")]
    [InlineData("batch-jobs")]
    public void Standalone_tasks_default_to_random(string group)
    {
        Assert.Equal("random", Assert.Single(PlacementRules.DefaultStrategies(group)).Type);
    }

    [Fact]
    public void A_service_without_strategies_is_spread_across_zones()
    {
        var plan = Place(Request(count: 4, group: "service:web"),
            Instance("a1", az: "us-east-1a"), Instance("a2", az: "us-east-1a"), Instance("a3", az: "us-east-1a"),
            Instance("b1", az: "us-east-1b"));
        Assert.Equal(2, Ids(plan).Count(id => id == "b1"));
    }

    [Fact]
    public void A_standalone_task_without_strategies_is_placed_like_random()
    {
        var instances = new[] { Instance("a"), Instance("b"), Instance("c") };
        var byDefault = PlacementEngine.Place(new(instances), Request(count: 9), new Random(5));
        var random = PlacementEngine.Place(new(instances), Request(count: 9, strategies: [RandomStrategy()]), new Random(5));
        Assert.Equal(Ids(random), Ids(byDefault));
    }
}
