using System.Net;
using static Berth.Api.Tests.Elb.ElbClient;

namespace Berth.Api.Tests.Elb;

/// <summary>The ELBv2 query API over HTTP: shapes, errors and the resources' lifecycle.</summary>
public sealed class ElbApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    [Fact]
    public async Task A_load_balancer_is_created_active_with_a_loopback_dns_name_and_described_by_name()
    {
        var elb = server.NewElbClient();
        var arn = await elb.CreateLoadBalancerAsync("web-lb");
        Assert.Matches($"^arn:aws:elasticloadbalancing:{elb.Region}:000000000000:loadbalancer/app/web-lb/[0-9a-f]{{16}}$", arn);

        var described = await elb.OkAsync("DescribeLoadBalancers", ("Names.member.1", "web-lb"));
        var balancer = Assert.Single(described.Element(Ns + "LoadBalancers")!.Elements(Ns + "member"));
        Assert.Equal(arn, Text(balancer, "LoadBalancerArn"));
        Assert.Equal($"web-lb-{arn[^16..]}.{elb.Region}.elb.localhost", Text(balancer, "DNSName"));
        Assert.Equal("active", Text(balancer, "State/Code"));
        Assert.Equal("application", Text(balancer, "Type"));
        Assert.Equal("subnet-local-a", Text(balancer, "AvailabilityZones/member/SubnetId"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", Text(balancer, "CreatedTime"));
    }

    [Fact]
    public async Task Creating_a_load_balancer_again_returns_the_same_one()
    {
        var elb = server.NewElbClient();
        Assert.Equal(await elb.CreateLoadBalancerAsync("twice"), await elb.CreateLoadBalancerAsync("twice"));
    }

    [Fact]
    public async Task Network_load_balancers_are_refused_with_a_clear_error()
    {
        var error = await server.NewElbClient().ErrorAsync("CreateLoadBalancer", ("Name", "nlb"), ("Type", "network"));
        Assert.Equal((HttpStatusCode.BadRequest, "UnsupportedFeature"), (error.Status, error.Code));
        Assert.Contains("application load balancers only", error.Message);
    }

    [Fact]
    public async Task Missing_resources_answer_the_models_error_codes()
    {
        var elb = server.NewElbClient();
        Assert.Equal("LoadBalancerNotFound", (await elb.ErrorAsync("DescribeLoadBalancers", ("Names.member.1", "nope"))).Code);
        Assert.Equal("TargetGroupNotFound", (await elb.ErrorAsync("DescribeTargetHealth", ("TargetGroupArn", "arn:aws:elasticloadbalancing:x:1:targetgroup/a/b"))).Code);
        Assert.Equal("ListenerNotFound", (await elb.ErrorAsync("DescribeRules", ("ListenerArn", "arn:x"))).Code);
    }

    [Fact]
    public async Task Target_groups_keep_their_health_check_settings_and_attributes()
    {
        var elb = server.NewElbClient();
        var arn = await elb.CreateTargetGroupAsync("web-tg",
            ("HealthCheckPath", "/health"), ("HealthCheckIntervalSeconds", "5"), ("HealthyThresholdCount", "2"));
        var group = (await elb.OkAsync("DescribeTargetGroups", ("TargetGroupArns.member.1", arn))).Element(Ns + "TargetGroups")!.Element(Ns + "member")!;
        Assert.Equal(("/health", "5", "4", "2", "ip", "200"),
            (Text(group, "HealthCheckPath"), Text(group, "HealthCheckIntervalSeconds"), Text(group, "HealthCheckTimeoutSeconds"),
             Text(group, "HealthyThresholdCount"), Text(group, "TargetType"), Text(group, "Matcher/HttpCode")));

        var modified = await elb.OkAsync("ModifyTargetGroupAttributes", ("TargetGroupArn", arn),
            ("Attributes.member.1.Key", "deregistration_delay.timeout_seconds"), ("Attributes.member.1.Value", "10"));
        var attributes = modified.Element(Ns + "Attributes")!.Elements(Ns + "member").ToDictionary(m => Text(m, "Key"), m => Text(m, "Value"));
        Assert.Equal("10", attributes["deregistration_delay.timeout_seconds"]);
        Assert.Equal("round_robin", attributes["load_balancing.algorithm.type"]);

        var bad = await elb.ErrorAsync("ModifyTargetGroupAttributes", ("TargetGroupArn", arn),
            ("Attributes.member.1.Key", "slow_start.duration_seconds"), ("Attributes.member.1.Value", "30"));
        Assert.Equal("InvalidConfigurationRequest", bad.Code);
    }

    [Fact]
    public async Task A_target_group_in_use_cannot_be_deleted_until_its_listener_is()
    {
        var elb = server.NewElbClient();
        var lb = await elb.CreateLoadBalancerAsync("in-use");
        var tg = await elb.CreateTargetGroupAsync("in-use-tg");
        var listener = await elb.CreateListenerAsync(lb, FreePort.Next(), tg);

        var group = (await elb.OkAsync("DescribeTargetGroups", ("Names.member.1", "in-use-tg"))).Element(Ns + "TargetGroups")!.Element(Ns + "member")!;
        Assert.Equal(lb, Text(group, "LoadBalancerArns/member"));
        Assert.Equal("ResourceInUse", (await elb.ErrorAsync("DeleteTargetGroup", ("TargetGroupArn", tg))).Code);

        await elb.OkAsync("DeleteListener", ("ListenerArn", listener));
        await elb.OkAsync("DeleteTargetGroup", ("TargetGroupArn", tg));
        Assert.Equal("TargetGroupNotFound", (await elb.ErrorAsync("DescribeTargetGroups", ("Names.member.1", "in-use-tg"))).Code);
        await elb.OkAsync("DeleteLoadBalancer", ("LoadBalancerArn", lb));
        Assert.Equal("LoadBalancerNotFound", (await elb.ErrorAsync("DescribeLoadBalancers", ("LoadBalancerArns.member.1", lb))).Code);
    }

    [Fact]
    public async Task Two_listeners_cannot_share_a_port_even_on_different_load_balancers()
    {
        var elb = server.NewElbClient();
        var tg = await elb.CreateTargetGroupAsync("shared-port");
        var port = FreePort.Next();
        await elb.CreateListenerAsync(await elb.CreateLoadBalancerAsync("first"), port, tg);
        var error = await elb.ErrorAsync("CreateListener", ("LoadBalancerArn", await elb.CreateLoadBalancerAsync("second")), ("Protocol", "HTTP"),
            ("Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("DefaultActions.member.1.Type", "forward"), ("DefaultActions.member.1.TargetGroupArn", tg));
        Assert.Equal("DuplicateListener", error.Code);
    }

    [Fact]
    public async Task Weighted_forwards_and_rules_are_described_as_elb_shows_them()
    {
        var elb = server.NewElbClient();
        var lb = await elb.CreateLoadBalancerAsync("rules");
        var blue = await elb.CreateTargetGroupAsync("blue");
        var green = await elb.CreateTargetGroupAsync("green");
        var listener = await elb.CreateListenerAsync(lb, FreePort.Next(), blue);
        await elb.OkAsync("CreateRule", ("ListenerArn", listener), ("Priority", "10"),
            ("Conditions.member.1.Field", "path-pattern"), ("Conditions.member.1.Values.member.1", "/api/*"),
            ("Actions.member.1.Type", "forward"),
            ("Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", blue), ("Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight", "80"),
            ("Actions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn", green), ("Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight", "20"));

        var rules = (await elb.OkAsync("DescribeRules", ("ListenerArn", listener))).Element(Ns + "Rules")!.Elements(Ns + "member").ToList();
        Assert.Equal(["10", "default"], rules.Select(r => Text(r, "Priority")));
        Assert.Equal("/api/*", Text(rules[0], "Conditions/member/PathPatternConfig/Values/member"));
        var weights = rules[0].Element(Ns + "Actions")!.Element(Ns + "member")!.Element(Ns + "ForwardConfig")!.Element(Ns + "TargetGroups")!.Elements(Ns + "member")
            .Select(t => (Text(t, "TargetGroupArn"), Text(t, "Weight")));
        Assert.Equal([(blue, "80"), (green, "20")], weights);
        Assert.Equal("true", Text(rules[1], "IsDefault"));

        Assert.Equal("PriorityInUse", (await elb.ErrorAsync("CreateRule", ("ListenerArn", listener), ("Priority", "10"),
            ("Conditions.member.1.Field", "host-header"), ("Conditions.member.1.Values.member.1", "a.test"),
            ("Actions.member.1.Type", "forward"), ("Actions.member.1.TargetGroupArn", blue))).Code);
        Assert.Equal("OperationNotPermitted", (await elb.ErrorAsync("DeleteRule", ("RuleArn", Text(rules[1], "RuleArn")))).Code);
    }

    [Fact]
    public async Task Tags_are_added_described_and_removed_on_any_elb_resource()
    {
        var elb = server.NewElbClient();
        var tg = await elb.CreateTargetGroupAsync("tagged", ("Tags.member.1.Key", "team"), ("Tags.member.1.Value", "web"));
        await elb.OkAsync("AddTags", ("ResourceArns.member.1", tg), ("Tags.member.1.Key", "env"), ("Tags.member.1.Value", "dev"));
        await elb.OkAsync("RemoveTags", ("ResourceArns.member.1", tg), ("TagKeys.member.1", "team"));
        var described = await elb.OkAsync("DescribeTags", ("ResourceArns.member.1", tg));
        var tags = described.Element(Ns + "TagDescriptions")!.Element(Ns + "member")!.Element(Ns + "Tags")!.Elements(Ns + "member")
            .Select(t => (Text(t, "Key"), Text(t, "Value")));
        Assert.Equal([("env", "dev")], tags);
    }

    [Fact]
    public async Task Targets_start_initial_or_unused_and_deregistering_an_unknown_one_is_invalid()
    {
        var elb = server.NewElbClient();
        var tg = await elb.CreateTargetGroupAsync("targets");
        await elb.RegisterAsync(tg, 8001);
        Assert.Equal(("unused", "Target.NotInUse"), (await elb.HealthAsync(tg))[8001]);
        Assert.Equal(("unused", "Target.NotRegistered"), (await elb.HealthAsync(tg, 8002))[8002]);
        Assert.Equal("InvalidTarget", (await elb.ErrorAsync("DeregisterTargets", ("TargetGroupArn", tg), ("Targets.member.1.Id", "127.0.0.1"), ("Targets.member.1.Port", "8002"))).Code);
        Assert.Equal("InvalidTarget", (await elb.ErrorAsync("RegisterTargets", ("TargetGroupArn", tg), ("Targets.member.1.Id", "i-0abc"))).Code);

        await elb.CreateListenerAsync(await elb.CreateLoadBalancerAsync("targets"), FreePort.Next(), tg);
        Assert.Equal(("initial", "Elb.InitialHealthChecking"), (await elb.HealthAsync(tg))[8001]);
    }
}
