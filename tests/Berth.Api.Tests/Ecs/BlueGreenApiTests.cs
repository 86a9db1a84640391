using Berth.Api.Tests.Elb;
using static Berth.Api.Tests.Elb.ElbClient;

namespace Berth.Api.Tests.Ecs;

/// <summary>
/// BLUE_GREEN, LINEAR and CANARY services over HTTP against Berth's own ELB state: the checks CreateService and
/// UpdateService make, and the scheduler rewriting the production listener rule's forward weights.
/// </summary>
public class BlueGreenApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private sealed record Setup(EcsClient Ecs, ElbClient Elb, string Blue, string Green, string Rule);

    /// <summary>A cluster with the web task definition (bridge), two instance target groups and a rule forwarding to both at 1:1.</summary>
    private async Task<Setup> SetupAsync(string cluster)
    {
        var elb = server.NewElbClient();
        var ecs = server.Client(elb.Region);
        await ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        await ClusterCapacity.RegisterWebAsync(ecs, "web", cpu: 256, memory: 256);
        var blue = await GroupAsync(elb, "blue");
        var green = await GroupAsync(elb, "green");
        var listener = await elb.CreateListenerAsync(await elb.CreateLoadBalancerAsync("bg"), FreePort.Next(), blue);
        var rule = Text(await elb.OkAsync("CreateRule", ("ListenerArn", listener), ("Priority", "10"),
            ("Conditions.member.1.Field", "path-pattern"), ("Conditions.member.1.Values.member.1", "/*"),
            ("Actions.member.1.Type", "forward"),
            ("Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", blue), ("Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight", "1"),
            ("Actions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn", green), ("Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight", "1")),
            "Rules/member/RuleArn");
        return new Setup(ecs, elb, blue, green, rule);
    }

    private static async Task<string> GroupAsync(ElbClient elb, string name) =>
        Text(await elb.OkAsync("CreateTargetGroup", ("Name", name), ("Protocol", "HTTP"), ("Port", "80"), ("TargetType", "instance")),
            "TargetGroups/member/TargetGroupArn");

    private static object Balancer(Setup setup, string? rule = null) => new
    {
        targetGroupArn = setup.Blue,
        containerName = "web",
        containerPort = 80,
        advancedConfiguration = new { alternateTargetGroupArn = setup.Green, productionListenerRule = rule ?? setup.Rule },
    };

    private static async Task<Dictionary<string, int>> WeightsAsync(Setup setup)
    {
        var rule = (await setup.Elb.OkAsync("DescribeRules", ("RuleArns.member.1", setup.Rule))).Element(Ns + "Rules")!.Element(Ns + "member")!;
        return rule.Element(Ns + "Actions")!.Element(Ns + "member")!.Element(Ns + "ForwardConfig")!.Element(Ns + "TargetGroups")!.Elements(Ns + "member")
            .ToDictionary(m => Text(m, "TargetGroupArn"), m => int.Parse(Text(m, "Weight"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_blue_green_service_takes_over_its_production_rule_with_all_traffic_on_production()
    {
        var setup = await SetupAsync("bg");

        var created = await setup.Ecs.OkAsync("CreateService", new
        {
            cluster = "bg",
            serviceName = "web",
            taskDefinition = "web",
            desiredCount = 0,
            loadBalancers = new[] { Balancer(setup) },
            deploymentConfiguration = new { strategy = "BLUE_GREEN", bakeTimeInMinutes = 1 },
        });

        Assert.Equal("BLUE_GREEN", (string)created["service"]!["deploymentConfiguration"]!["strategy"]!);
        Assert.Equal(setup.Green, (string)created["service"]!["loadBalancers"]![0]!["advancedConfiguration"]!["alternateTargetGroupArn"]!);
        var weights = await Eventually.ReadAsync(() => WeightsAsync(setup), w => w[setup.Blue] == 100);
        Assert.Equal(new Dictionary<string, int> { [setup.Blue] = 100, [setup.Green] = 0 }, weights);
    }

    [Fact]
    public async Task Strategies_are_checked_as_ECS_checks_them()
    {
        var setup = await SetupAsync("refuse");
        var missingRule = setup.Rule[..setup.Rule.LastIndexOf('/')] + "/0000000000000000";

        var unknownRule = await setup.Ecs.ErrorAsync("CreateService", new
        {
            cluster = "refuse",
            serviceName = "a",
            taskDefinition = "web",
            loadBalancers = new[] { Balancer(setup, missingRule) },
            deploymentConfiguration = new { strategy = "BLUE_GREEN" },
        });
        var linearAlone = await setup.Ecs.ErrorAsync("CreateService", new
        {
            cluster = "refuse",
            serviceName = "b",
            taskDefinition = "web",
            deploymentConfiguration = new { strategy = "LINEAR" },
        });
        var hooks = await setup.Ecs.ErrorAsync("CreateService", new
        {
            cluster = "refuse",
            serviceName = "c",
            taskDefinition = "web",
            loadBalancers = new[] { Balancer(setup) },
            deploymentConfiguration = new
            {
                strategy = "BLUE_GREEN",
                lifecycleHooks = new[] { new { hookTargetArn = "arn:aws:lambda:us-east-1:123456789012:function:f", lifecycleStages = new[] { "POST_SCALE_UP" } } },
            },
        });
        var canaryRange = await setup.Ecs.ErrorAsync("CreateService", new
        {
            cluster = "refuse",
            serviceName = "d",
            taskDefinition = "web",
            loadBalancers = new[] { Balancer(setup) },
            deploymentConfiguration = new { strategy = "CANARY", canaryConfiguration = new { canaryPercent = 0.05 } },
        });
        await setup.Ecs.OkAsync("CreateService", new { cluster = "refuse", serviceName = "e", taskDefinition = "web", desiredCount = 0 });
        var noBalancer = await setup.Ecs.ErrorAsync("UpdateService", new { cluster = "refuse", service = "e", deploymentConfiguration = new { strategy = "CANARY" } });

        Assert.Equal(("InvalidParameterException", $"The listener rule {missingRule} does not exist."), unknownRule);
        Assert.Equal(("InvalidParameterException", "The LINEAR deployment strategy requires a load balancer to shift production traffic."), linearAlone);
        Assert.Equal("UnsupportedFeatureException", hooks.Type);
        Assert.Equal("InvalidParameterException", canaryRange.Type);
        Assert.Equal(("InvalidParameterException", "The CANARY deployment strategy requires a load balancer to shift production traffic."), noBalancer);
    }
}
