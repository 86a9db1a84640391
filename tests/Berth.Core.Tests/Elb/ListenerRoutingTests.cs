using Berth.Core.Elb;

namespace Berth.Core.Tests.Elb;

public class ListenerRoutingTests
{
    private static ForwardTarget To(string arn) => new([new WeightedTargetGroup(arn, 1)]);

    private static readonly ListenerRouting Routing = new(
    [
        new RoutingRule(10, ["/api/*"], [], To("api")),
        new RoutingRule(20, [], ["admin.example.com"], To("admin")),
        new RoutingRule(30, ["/static/*"], ["*.example.com"], To("static")),
    ], To("default"));

    [Theory]
    [InlineData("shop.test", "/api/orders", "api")]
    [InlineData("admin.example.com:8080", "/", "admin")]
    [InlineData("ADMIN.example.com", "/", "admin")]
    [InlineData("cdn.example.com", "/static/a.css", "static")]
    [InlineData("cdn.other.com", "/static/a.css", "default")]
    [InlineData("shop.test", "/", "default")]
    public void The_first_matching_rule_in_priority_order_wins_else_the_default(string host, string path, string expected)
    {
        Assert.Equal(expected, Routing.Route(host, path).Pick(_ => 0));
    }

    [Fact]
    public void A_lower_priority_number_is_evaluated_first_even_when_both_match()
    {
        // /api/* (priority 10) and admin.example.com (20) both match: the rule with priority 10 wins.
        Assert.Equal("api", Routing.Route("admin.example.com", "/api/x").Pick(_ => 0));
    }

    [Fact]
    public void Weighted_forward_splits_requests_by_weight()
    {
        var forward = new ForwardTarget([new WeightedTargetGroup("blue", 3), new WeightedTargetGroup("green", 1)]);
        var picks = Enumerable.Range(0, 4).Select(ticket => forward.Pick(_ => ticket)).ToList();
        Assert.Equal(["blue", "blue", "blue", "green"], picks);
    }

    [Fact]
    public void A_group_of_weight_zero_gets_no_requests()
    {
        var forward = new ForwardTarget([new WeightedTargetGroup("blue", 0), new WeightedTargetGroup("green", 5)]);
        Assert.All(Enumerable.Range(0, 5), ticket => Assert.Equal("green", forward.Pick(_ => ticket)));
    }

    [Fact]
    public void Weighted_forward_draws_below_the_total_weight()
    {
        var forward = new ForwardTarget([new WeightedTargetGroup("blue", 3), new WeightedTargetGroup("green", 7)]);
        var bounds = new List<int>();
        forward.Pick(n => { bounds.Add(n); return 0; });
        Assert.Equal([10], bounds);
    }
}
