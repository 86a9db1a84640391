using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.Tests.Capacity;

public class CapacityProviderDistributionTests
{
    private static readonly IReadOnlyDictionary<string, int> None = new Dictionary<string, int>();

    private static CapacityProviderStrategyItem Item(string provider, int? weight = null, int? @base = null) =>
        new() { CapacityProvider = provider, Weight = weight, Base = @base };

    private static Dictionary<string, int> Counts(IReadOnlyList<string> assigned) =>
        assigned.GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void The_issue_tour_100_tasks_base_1_on_fargate_then_1_to_3_gives_26_and_74()
    {
        var assigned = CapacityProviderDistribution.Assign([Item("FARGATE", 1, 1), Item("FARGATE_SPOT", 3)], None, 100);

        Assert.Equal(100, assigned.Count);
        Assert.Equal(26, Counts(assigned)["FARGATE"]);
        Assert.Equal(74, Counts(assigned)["FARGATE_SPOT"]);
        Assert.Equal("FARGATE", assigned[0]);
    }

    [Fact]
    public void The_base_is_placed_first_even_when_its_weight_is_zero()
    {
        var assigned = CapacityProviderDistribution.Assign([Item("FARGATE", 0, 2), Item("FARGATE_SPOT", 1)], None, 5);

        Assert.Equal(["FARGATE", "FARGATE", "FARGATE_SPOT", "FARGATE_SPOT", "FARGATE_SPOT"], assigned);
    }

    [Fact]
    public void A_base_larger_than_the_count_takes_every_task()
    {
        var assigned = CapacityProviderDistribution.Assign([Item("FARGATE_SPOT", 1), Item("FARGATE", 1, 10)], None, 4);

        Assert.All(assigned, p => Assert.Equal("FARGATE", p));
    }

    [Fact]
    public void Equal_weights_split_evenly_starting_with_the_first_provider()
    {
        var assigned = CapacityProviderDistribution.Assign([Item("FARGATE", 1), Item("FARGATE_SPOT", 1)], None, 4);

        Assert.Equal(["FARGATE", "FARGATE_SPOT", "FARGATE", "FARGATE_SPOT"], assigned);
    }

    [Theory]
    [InlineData(1, 4, 5, 1, 4)]
    [InlineData(1, 4, 10, 2, 8)]
    [InlineData(2, 1, 9, 6, 3)]
    [InlineData(1, 1, 7, 4, 3)]
    [InlineData(3, 1, 1, 1, 0)]
    public void Weights_give_each_provider_its_share(int weightA, int weightB, int count, int expectedA, int expectedB)
    {
        var counts = Counts(CapacityProviderDistribution.Assign([Item("FARGATE", weightA), Item("FARGATE_SPOT", weightB)], None, count));

        Assert.Equal(expectedA, counts.GetValueOrDefault("FARGATE"));
        Assert.Equal(expectedB, counts.GetValueOrDefault("FARGATE_SPOT"));
    }

    [Fact]
    public void A_provider_of_weight_zero_without_base_places_nothing()
    {
        var assigned = CapacityProviderDistribution.Assign([Item("FARGATE", 0), Item("FARGATE_SPOT", 2)], None, 6);

        Assert.All(assigned, p => Assert.Equal("FARGATE_SPOT", p));
    }

    [Fact]
    public void A_lone_provider_without_weight_takes_every_task()
    {
        var assigned = CapacityProviderDistribution.Assign([Item("FARGATE_SPOT")], None, 3);

        Assert.Equal(["FARGATE_SPOT", "FARGATE_SPOT", "FARGATE_SPOT"], assigned);
    }

    [Fact]
    public void Existing_tasks_count_towards_the_base_so_a_scaled_service_does_not_place_it_again()
    {
        var existing = new Dictionary<string, int> { ["FARGATE"] = 2 };

        var assigned = CapacityProviderDistribution.Assign([Item("FARGATE", 0, 2), Item("FARGATE_SPOT", 1)], existing, 3);

        Assert.Equal(["FARGATE_SPOT", "FARGATE_SPOT", "FARGATE_SPOT"], assigned);
    }

    [Fact]
    public void A_provider_behind_its_share_catches_up_first()
    {
        // A service that lost its Spot tasks gets them back before any more on-demand ones.
        var existing = new Dictionary<string, int> { ["FARGATE"] = 2, ["FARGATE_SPOT"] = 0 };

        var assigned = CapacityProviderDistribution.Assign([Item("FARGATE", 1), Item("FARGATE_SPOT", 1)], existing, 2);

        Assert.Equal(["FARGATE_SPOT", "FARGATE_SPOT"], assigned);
    }

    [Fact]
    public void Replacing_one_interrupted_spot_task_of_the_tour_service_goes_back_to_spot()
    {
        var existing = new Dictionary<string, int> { ["FARGATE"] = 26, ["FARGATE_SPOT"] = 73 };

        Assert.Equal(["FARGATE_SPOT"], CapacityProviderDistribution.Assign([Item("FARGATE", 1, 1), Item("FARGATE_SPOT", 3)], existing, 1));
    }

    [Fact]
    public void Zero_tasks_assign_nothing()
    {
        Assert.Empty(CapacityProviderDistribution.Assign([Item("FARGATE", 1)], None, 0));
    }

    [Fact]
    public void Distribution_is_the_same_however_the_count_is_split_into_calls()
    {
        IReadOnlyList<CapacityProviderStrategyItem> strategy = [Item("FARGATE", 2, 3), Item("FARGATE_SPOT", 5)];
        var all = CapacityProviderDistribution.Assign(strategy, None, 40);
        var counts = new Dictionary<string, int>();
        var stepwise = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var one = Assert.Single(CapacityProviderDistribution.Assign(strategy, counts, 1));
            counts[one] = counts.GetValueOrDefault(one) + 1;
            stepwise.Add(one);
        }

        Assert.Equal(all, stepwise);
    }

    [Fact]
    public void Group_counts_each_provider_in_the_order_first_assigned()
    {
        Assert.Equal([("FARGATE_SPOT", 2), ("FARGATE", 1)], CapacityProviderDistribution.Group(["FARGATE_SPOT", "FARGATE", "FARGATE_SPOT"]));
    }

    [Fact]
    public void Several_providers_all_of_weight_zero_are_refused()
    {
        var e = Assert.Throws<InvalidParameterException>(() => CapacityProviderDistribution.Validate([Item("FARGATE", 0, 1), Item("FARGATE_SPOT", 0)]));
        Assert.Contains("weight greater than zero", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_provider_named_twice_is_refused()
    {
        Assert.Throws<InvalidParameterException>(() => CapacityProviderDistribution.Validate([Item("FARGATE", 1), Item("FARGATE", 2)]));
    }

    [Fact]
    public void An_empty_strategy_is_refused()
    {
        Assert.Throws<InvalidParameterException>(() => CapacityProviderDistribution.Validate([]));
    }
}
