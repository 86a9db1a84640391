using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Placement;
using static Berth.Core.Tests.Placement.PlacementFixtures;

namespace Berth.Core.Tests.Placement;

public sealed class ValidationTests
{
    [Theory]
    [InlineData("binpack", "cpu")]
    [InlineData("binpack", "memory")]
    [InlineData("spread", "instanceId")]
    [InlineData("spread", "host")]
    [InlineData("spread", "attribute:ecs.availability-zone")]
    [InlineData("spread", "attribute:rack")]
    [InlineData("random", null)]
    [InlineData("random", "ignored")]
    public void Valid_strategies_are_accepted(string type, string? field)
    {
        PlacementRules.ValidateStrategies([new PlacementStrategy { Type = type, Field = field }]);
        Assert.Single(Place(Request(strategies: [new PlacementStrategy { Type = type, Field = field }]), Instance("a")).Placements);
    }

    [Theory]
    [InlineData("pack", "cpu", "Invalid placement strategy type 'pack'. Valid types are random, spread and binpack.")]
    [InlineData(null, "cpu", "Invalid placement strategy type ''.")]
    [InlineData("Binpack", "cpu", "Invalid placement strategy type 'Binpack'.")]
    [InlineData("binpack", "disk", "Invalid field 'disk' for the binpack placement strategy. Valid fields are cpu and memory.")]
    [InlineData("binpack", null, "Invalid field '' for the binpack placement strategy.")]
    [InlineData("spread", "az", "Invalid field 'az' for the spread placement strategy. Valid fields are instanceId, host and attribute:<name>.")]
    [InlineData("spread", "attribute:", "Invalid field 'attribute:' for the spread placement strategy.")]
    [InlineData("spread", null, "Invalid field '' for the spread placement strategy.")]
    public void Invalid_strategies_are_rejected_naming_what_is_wrong(string? type, string? field, string message)
    {
        var strategies = new[] { new PlacementStrategy { Type = type, Field = field } };
        var error = Assert.Throws<InvalidParameterException>(() => PlacementRules.ValidateStrategies(strategies));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidParameterException>(() => Place(Request(strategies: strategies), Instance("a")));
    }

    [Fact]
    public void At_most_five_strategies()
    {
        PlacementRules.ValidateStrategies([.. Enumerable.Repeat(Binpack("cpu"), 5)]);
        var error = Assert.Throws<InvalidParameterException>(() => PlacementRules.ValidateStrategies([.. Enumerable.Repeat(Binpack("cpu"), 6)]));
        Assert.Equal("Too many placement strategies: 6. You can specify at most 5.", error.Message);
    }

    [Theory]
    [InlineData("distinctInstance", "attribute:a == b", "A distinctInstance placement constraint cannot have an expression.")]
    [InlineData("memberOf", null, "A memberOf placement constraint needs an expression.")]
    [InlineData("memberOf", "  ", "A memberOf placement constraint needs an expression.")]
    [InlineData("sameZone", null, "Invalid placement constraint type 'sameZone'. Valid types are distinctInstance and memberOf.")]
    [InlineData("memberOf", "attribute:a ==", "Invalid cluster query expression 'attribute:a ==': expected a value after '==' at the end.")]
    public void Invalid_constraints_are_rejected_naming_what_is_wrong(string type, string? expression, string message)
    {
        var constraints = new[] { new PlacementConstraint { Type = type, Expression = expression } };
        var error = Assert.Throws<InvalidParameterException>(() => PlacementRules.ValidateConstraints(constraints));
        Assert.Equal(message, error.Message);
        Assert.Throws<InvalidParameterException>(() => Place(Request(constraints: constraints), Instance("a")));
    }

    [Fact]
    public void At_most_ten_constraints()
    {
        PlacementRules.ValidateConstraints([.. Enumerable.Repeat(DistinctInstance(), 10)]);
        var error = Assert.Throws<InvalidParameterException>(() => PlacementRules.ValidateConstraints([.. Enumerable.Repeat(DistinctInstance(), 11)]));
        Assert.Equal("Too many placement constraints: 11. You can specify at most 10.", error.Message);
    }

    [Fact]
    public void Invalid_requests_are_rejected_even_with_nothing_to_place()
    {
        Assert.Throws<InvalidParameterException>(() => Place(Request(count: 0, strategies: [Spread("zone")])));
    }
}
