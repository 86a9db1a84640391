using Berth.Core.Elb;
using Berth.Core.Errors;

namespace Berth.Core.Tests.Elb;

public class ElbRulesTests
{
    [Fact]
    public void A_forward_to_one_group_shows_both_the_arn_and_a_forward_config_of_weight_one()
    {
        var action = Assert.Single(ElbActionRules.Normalize([new ElbAction { Type = "forward", TargetGroupArn = "tg" }]));
        Assert.Equal("tg", action.TargetGroupArn);
        var tuple = Assert.Single(action.ForwardConfig!.TargetGroups!);
        Assert.Equal(("tg", 1), (tuple.TargetGroupArn, tuple.Weight));
    }

    [Fact]
    public void A_weighted_forward_keeps_its_weights_and_has_no_single_arn()
    {
        var action = Assert.Single(ElbActionRules.Normalize([new ElbAction
        {
            Type = "forward",
            ForwardConfig = new ForwardActionConfig { TargetGroups = [new() { TargetGroupArn = "a", Weight = 80 }, new() { TargetGroupArn = "b", Weight = 20 }] },
        }]));
        Assert.Null(action.TargetGroupArn);
        Assert.Equal([("a", 80), ("b", 20)], action.ForwardConfig!.TargetGroups!.Select(t => (t.TargetGroupArn, t.Weight ?? 0)).Select(t => (t.TargetGroupArn!, t.Item2)));
    }

    [Fact]
    public void Actions_other_than_forward_are_refused_clearly()
    {
        var e = Assert.Throws<QueryUnsupportedException>(() => ElbActionRules.Normalize([new ElbAction { Type = "redirect" }]));
        Assert.Contains("redirect", e.Message);
    }

    [Fact]
    public void Conditions_given_as_values_are_shown_with_their_config_too()
    {
        var condition = Assert.Single(RuleConditions.Normalize([new RuleCondition { Field = "path-pattern", Values = ["/api/*"] }]));
        Assert.Equal(["/api/*"], condition.PathPatternConfig!.Values!);
    }

    [Fact]
    public void Two_conditions_of_one_field_are_refused()
    {
        Assert.Throws<QueryValidationException>(() => RuleConditions.Normalize(
        [
            new RuleCondition { Field = "host-header", Values = ["a"] },
            new RuleCondition { Field = "host-header", Values = ["b"] },
        ]));
    }

    [Theory]
    [InlineData("200", 200, true)]
    [InlineData("200", 204, false)]
    [InlineData("200-299", 204, true)]
    [InlineData("200,302", 302, true)]
    [InlineData("200,302", 301, false)]
    public void Matchers_accept_codes_lists_and_ranges(string httpCode, int status, bool expected)
    {
        Assert.Equal(expected, HttpCodeMatcher.Parse(httpCode).Matches(status));
    }

    [Theory]
    [InlineData("100")]
    [InlineData("299-200")]
    [InlineData("ok")]
    public void Invalid_matchers_are_refused(string httpCode)
    {
        Assert.Throws<QueryValidationException>(() => HttpCodeMatcher.Parse(httpCode));
    }

    [Fact]
    public void Target_groups_get_alb_health_check_defaults()
    {
        var group = TargetGroupRules.NewTargetGroup(new CreateTargetGroupInput { Name = "web", Protocol = "HTTP", Port = 80, TargetType = "ip" }, "arn");
        Assert.Equal((30, 5, 5, 2, "/", "traffic-port", "200"),
            (group.HealthCheckIntervalSeconds, group.HealthCheckTimeoutSeconds, group.HealthyThresholdCount, group.UnhealthyThresholdCount,
             group.HealthCheckPath, group.HealthCheckPort, group.Matcher!.HttpCode));
    }

    [Fact]
    public void A_health_check_timeout_not_below_the_interval_is_refused()
    {
        Assert.Throws<QueryValidationException>(() => TargetGroupRules.NewTargetGroup(
            new CreateTargetGroupInput { Name = "web", Protocol = "HTTP", Port = 80, HealthCheckIntervalSeconds = 5, HealthCheckTimeoutSeconds = 5 }, "arn"));
    }

    [Fact]
    public void Deregistration_delay_and_algorithm_are_validated_attributes()
    {
        var attributes = TargetGroupAttributes.Apply(TargetGroupAttributes.Defaults,
            [new() { Key = "deregistration_delay.timeout_seconds", Value = "5" }, new() { Key = "load_balancing.algorithm.type", Value = "least_outstanding_requests" }]);
        Assert.Equal(TimeSpan.FromSeconds(5), TargetGroupAttributes.DeregistrationDelayOf(attributes));
        Assert.Equal("least_outstanding_requests", TargetGroupAttributes.AlgorithmOf(attributes));
        Assert.Throws<InvalidConfigurationRequestException>(() => TargetGroupAttributes.Apply(attributes, [new() { Key = "deregistration_delay.timeout_seconds", Value = "3601" }]));
        Assert.Throws<InvalidConfigurationRequestException>(() => TargetGroupAttributes.Apply(attributes, [new() { Key = "slow_start.duration_seconds", Value = "30" }]));
    }

    [Fact]
    public void Arns_nest_listener_and_rule_under_the_load_balancer()
    {
        var scope = new Berth.Core.Arns.ResourceScope("us-east-1", "000000000000");
        var lb = ElbArns.LoadBalancer(scope, "web", "0123456789abcdef");
        var listener = ElbArns.Listener(lb, "1111");
        var rule = ElbArns.Rule(listener, "2222");
        Assert.Equal("arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/0123456789abcdef", lb);
        Assert.Equal("arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/web/0123456789abcdef/1111", listener);
        Assert.Equal("arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule/app/web/0123456789abcdef/1111/2222", rule);
        Assert.Equal(listener, ElbTopology.ListenerArnOf(rule));
        Assert.Equal("listener-rule", ElbArns.KindOf(rule));
    }
}
