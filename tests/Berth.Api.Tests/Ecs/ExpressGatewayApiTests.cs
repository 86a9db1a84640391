using System.Text.Json.Nodes;
using Berth.Api.Tests.Elb;
using Berth.Core.Express;

namespace Berth.Api.Tests.Ecs;

/// <summary>
/// The four Express service operations over HTTP, and what they provision in Berth's ECS, ELBv2 and Application Auto
/// Scaling APIs (no agent: the service's tasks stay pending, which is all the API needs).
/// </summary>
public class ExpressGatewayApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private const string ExecutionRole = "arn:aws:iam::000000000000:role/exec";
    private const string InfrastructureRole = "arn:aws:iam::000000000000:role/infra";

    private readonly EcsClient _ecs = server.NewClient();
    private ElbClient Elb => new(server.Http, _ecs.Region);

    private EcsClient Scaling => new(server.Http, _ecs.Region, "AnyScaleFrontendService");

    private string ServiceArn(string cluster, string name) => $"{_ecs.ArnPrefix}:service/{cluster}/{name}";

    private async Task<JsonNode> CreateAsync(string cluster, string name, object? scalingTarget = null, string? healthCheckPath = null)
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        return (await _ecs.OkAsync("CreateExpressGatewayService", new
        {
            cluster,
            serviceName = name,
            executionRoleArn = ExecutionRole,
            infrastructureRoleArn = InfrastructureRole,
            primaryContainer = new { image = "berth/sample-web" },
            healthCheckPath,
            scalingTarget,
            tags = new[] { new { key = "team", value = "web" } },
        }))["service"]!;
    }

    private async Task<JsonNode> DescribeAsync(string arn, params string[] include) =>
        (await _ecs.OkAsync("DescribeExpressGatewayService", new { serviceArn = arn, include }))["service"]!;

    private async Task<JsonNode> EcsServiceAsync(string cluster, string name) =>
        (await _ecs.OkAsync("DescribeServices", new { cluster, services = new[] { name } }))["services"]![0]!;

    private async Task<JsonArray> ScalableTargetsAsync(string resourceId) =>
        (await Scaling.OkAsync("DescribeScalableTargets", new { ServiceNamespace = "ecs", ResourceIds = new[] { resourceId } }))["ScalableTargets"]!.AsArray();

    [Fact]
    public async Task Create_fills_the_documented_defaults_and_provisions_a_fargate_service_behind_a_load_balancer_with_scaling()
    {
        var created = await CreateAsync("exp-defaults", "web");

        var arn = ServiceArn("exp-defaults", "web");
        Assert.Equal(arn, (string)created["serviceArn"]!);
        Assert.Equal(_ecs.ClusterArn("exp-defaults"), (string)created["cluster"]!);
        Assert.Equal(InfrastructureRole, (string)created["infrastructureRoleArn"]!);
        JsonAssert.Equal("""{ "statusCode": "ACTIVE" }""", created["status"]);
        JsonAssert.Equal("""[{ "key": "team", "value": "web" }]""", created["tags"]);
        var configuration = Assert.Single(created["activeConfigurations"]!.AsArray())!;
        Assert.Equal(("256", "512", "/ping"), ((string)configuration["cpu"]!, (string)configuration["memory"]!, (string)configuration["healthCheckPath"]!));
        JsonAssert.Equal("""{ "image": "berth/sample-web", "containerPort": 80 }""", configuration["primaryContainer"]);
        JsonAssert.Equal("""{ "minTaskCount": 1, "maxTaskCount": 20, "autoScalingMetric": "AVERAGE_CPU", "autoScalingTargetValue": 60 }""", configuration["scalingTarget"]);
        Assert.Matches($"^{_ecs.ArnPrefix}:service-revision/exp-defaults/web/[0-9]+$", (string)configuration["serviceRevisionArn"]!);
        var ingress = Assert.Single(configuration["ingressPaths"]!.AsArray())!;
        Assert.Equal("PRIVATE", (string)ingress["accessType"]!);
        var port = int.Parse(((string)ingress["endpoint"]!)["http://127.0.0.1:".Length..], System.Globalization.CultureInfo.InvariantCulture);

        var definition = (await _ecs.OkAsync("DescribeTaskDefinition", new { taskDefinition = "web" }))["taskDefinition"]!;
        Assert.Equal(("awsvpc", "256", "512", ExecutionRole), ((string)definition["networkMode"]!, (string)definition["cpu"]!, (string)definition["memory"]!, (string)definition["executionRoleArn"]!));
        JsonAssert.Equal("""["FARGATE"]""", definition["requiresCompatibilities"]);
        var container = definition["containerDefinitions"]![0]!;
        Assert.Equal(("main", "berth/sample-web", 80), ((string)container["name"]!, (string)container["image"]!, (int)container["portMappings"]![0]!["containerPort"]!));

        var service = await EcsServiceAsync("exp-defaults", "web");
        Assert.Equal(("FARGATE", 1, _ecs.TaskDefinitionArn("web", 1)), ((string)service["launchType"]!, (int)service["desiredCount"]!, (string)service["taskDefinition"]!));
        // Without a network configuration the tasks join the default VPC's subnets and its default security group.
        JsonAssert.Equal("""["subnet-local-a", "subnet-local-b"]""", service["networkConfiguration"]!["awsvpcConfiguration"]!["subnets"]);
        var groupArn = (string)service["loadBalancers"]![0]!["targetGroupArn"]!;

        // The load balancer is named after the service's ARN.
        var balancer = await Elb.OkAsync("DescribeLoadBalancers", ("Names.member.1", ExpressGatewayRules.ResourceName(arn)));
        Assert.Equal("internal", ElbClient.Text(balancer, "LoadBalancers/member/Scheme"));
        var listeners = await Elb.OkAsync("DescribeListeners", ("LoadBalancerArn", ElbClient.Text(balancer, "LoadBalancers/member/LoadBalancerArn")));
        Assert.Equal(port.ToString(System.Globalization.CultureInfo.InvariantCulture), ElbClient.Text(listeners, "Listeners/member/Port"));
        Assert.Equal(groupArn, ElbClient.Text(listeners, "Listeners/member/DefaultActions/member/TargetGroupArn"));
        var group = await Elb.OkAsync("DescribeTargetGroups", ("TargetGroupArns.member.1", groupArn));
        Assert.Equal(("/ping", "ip", "5"), (ElbClient.Text(group, "TargetGroups/member/HealthCheckPath"), ElbClient.Text(group, "TargetGroups/member/TargetType"),
            ElbClient.Text(group, "TargetGroups/member/HealthCheckIntervalSeconds")));

        var target = Assert.Single(await ScalableTargetsAsync("service/exp-defaults/web"))!;
        Assert.Equal((1, 20), ((int)target["MinCapacity"]!, (int)target["MaxCapacity"]!));
        var policy = Assert.Single((await Scaling.OkAsync("DescribeScalingPolicies", new { ServiceNamespace = "ecs", ResourceId = "service/exp-defaults/web" }))["ScalingPolicies"]!.AsArray())!;
        Assert.Equal(60.0, (double)policy["TargetTrackingScalingPolicyConfiguration"]!["TargetValue"]!);
        Assert.Equal("ECSServiceAverageCPUUtilization", (string)policy["TargetTrackingScalingPolicyConfiguration"]!["PredefinedMetricSpecification"]!["PredefinedMetricType"]!);
    }

    [Fact]
    public async Task Request_count_scaling_labels_the_policy_with_the_load_balancer_and_target_group()
    {
        await CreateAsync("exp-requests", "api", scalingTarget: new { autoScalingMetric = "REQUEST_COUNT_PER_TARGET", autoScalingTargetValue = 100 });

        var policy = (await Scaling.OkAsync("DescribeScalingPolicies", new { ServiceNamespace = "ecs", ResourceId = "service/exp-requests/api" }))["ScalingPolicies"]![0]!;
        var metric = policy["TargetTrackingScalingPolicyConfiguration"]!["PredefinedMetricSpecification"]!;
        Assert.Equal("ALBRequestCountPerTarget", (string)metric["PredefinedMetricType"]!);
        Assert.Matches("^app/ecs-express-[0-9a-f]{16}/[0-9a-f]+/targetgroup/ecs-express-[0-9a-f]{16}/[0-9a-f]+$", (string)metric["ResourceLabel"]!);
    }

    [Fact]
    public async Task Describe_answers_tags_only_when_asked_and_refuses_what_is_not_an_express_service()
    {
        await CreateAsync("exp-describe", "web");
        var arn = ServiceArn("exp-describe", "web");

        var described = await DescribeAsync(arn);
        Assert.Null(described["tags"]);
        Assert.StartsWith($"{_ecs.ArnPrefix}:service-deployment/exp-describe/web/", (string)described["currentDeployment"]!);
        JsonAssert.Equal("""[{ "key": "team", "value": "web" }]""", (await DescribeAsync(arn, "TAGS"))["tags"]);

        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("DescribeExpressGatewayService", new { serviceArn = arn, include = new[] { "EVENTS" } })).Type);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("DescribeExpressGatewayService", new { serviceArn = "web" })).Type);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("DescribeExpressGatewayService", new { })).Type);
        Assert.Equal("ResourceNotFoundException", (await _ecs.ErrorAsync("DescribeExpressGatewayService", new { serviceArn = ServiceArn("exp-describe", "none") })).Type);
    }

    [Fact]
    public async Task Update_deploys_a_new_revision_when_the_tasks_change_and_only_reconfigures_otherwise()
    {
        await CreateAsync("exp-update", "web");
        var arn = ServiceArn("exp-update", "web");

        var first = (string)(await DescribeAsync(arn))["activeConfigurations"]![0]!["serviceRevisionArn"]!;
        var unchanged = (await _ecs.OkAsync("UpdateExpressGatewayService", new { serviceArn = arn, cpu = "256" }))["service"]!;
        Assert.Equal(first, (string)unchanged["targetConfiguration"]!["serviceRevisionArn"]!);

        var health = (await _ecs.OkAsync("UpdateExpressGatewayService", new { serviceArn = arn, healthCheckPath = "/health", scalingTarget = new { maxTaskCount = 4 } }))["service"]!;
        Assert.Equal(first, (string)health["targetConfiguration"]!["serviceRevisionArn"]!);
        var service = await EcsServiceAsync("exp-update", "web");
        Assert.Equal(_ecs.TaskDefinitionArn("web", 1), (string)service["taskDefinition"]!);
        var group = await Elb.OkAsync("DescribeTargetGroups", ("TargetGroupArns.member.1", (string)service["loadBalancers"]![0]!["targetGroupArn"]!));
        Assert.Equal("/health", ElbClient.Text(group, "TargetGroups/member/HealthCheckPath"));
        Assert.Equal(4, (int)(await ScalableTargetsAsync("service/exp-update/web"))[0]!["MaxCapacity"]!);

        var bigger = (await _ecs.OkAsync("UpdateExpressGatewayService", new { serviceArn = arn, cpu = "512", memory = "1024" }))["service"]!;
        JsonAssert.Equal("""{ "statusCode": "ACTIVE" }""", bigger["status"]);
        Assert.Equal(("512", "1024", "/health"), ((string)bigger["targetConfiguration"]!["cpu"]!, (string)bigger["targetConfiguration"]!["memory"]!,
            (string)bigger["targetConfiguration"]!["healthCheckPath"]!));
        var second = (string)bigger["targetConfiguration"]!["serviceRevisionArn"]!;
        Assert.Matches($"^{_ecs.ArnPrefix}:service-revision/exp-update/web/[0-9]+$", second);
        Assert.NotEqual(first, second);
        // Only the revision whose tasks run is active until the scheduler starts the new one.
        Assert.Contains(first, (await DescribeAsync(arn))["activeConfigurations"]!.AsArray().Select(c => (string)c!["serviceRevisionArn"]!));
        service = await EcsServiceAsync("exp-update", "web");
        Assert.Equal(_ecs.TaskDefinitionArn("web", 2), (string)service["taskDefinition"]!);
        Assert.Equal(2, service["deployments"]!.AsArray().Count);

        Assert.Equal("ClientException", (await _ecs.ErrorAsync("UpdateExpressGatewayService", new { serviceArn = arn, cpu = "256", memory = "8192" })).Type);
        Assert.Equal("InvalidParameterException",
            (await _ecs.ErrorAsync("UpdateExpressGatewayService", new { serviceArn = arn, scalingTarget = new { autoScalingMetric = "LATENCY" } })).Type);
        Assert.Equal("ServiceNotFoundException", (await _ecs.ErrorAsync("UpdateExpressGatewayService", new { serviceArn = ServiceArn("exp-update", "none") })).Type);
    }

    [Fact]
    public async Task Delete_drains_the_service_and_removes_what_it_provisioned_then_refuses_further_changes()
    {
        await CreateAsync("exp-delete", "web");
        var arn = ServiceArn("exp-delete", "web");
        var groupArn = (string)(await EcsServiceAsync("exp-delete", "web"))["loadBalancers"]![0]!["targetGroupArn"]!;

        var deleted = (await _ecs.OkAsync("DeleteExpressGatewayService", new { serviceArn = arn }))["service"]!;

        // DRAINING, or INACTIVE already: without tasks to stop, the scheduler may finish the ECS service at once.
        Assert.Contains((string)deleted["status"]!["statusCode"]!, new[] { "DRAINING", "INACTIVE" });
        Assert.Contains((string)(await EcsServiceAsync("exp-delete", "web"))["status"]!, new[] { "DRAINING", "INACTIVE" });
        Assert.Equal("TargetGroupNotFound", (await Elb.ErrorAsync("DescribeTargetGroups", ("TargetGroupArns.member.1", groupArn))).Code);
        Assert.Empty(await ScalableTargetsAsync("service/exp-delete/web"));
        Assert.Equal("ServiceNotActiveException", (await _ecs.ErrorAsync("DeleteExpressGatewayService", new { serviceArn = arn })).Type);
        Assert.Equal("ServiceNotActiveException", (await _ecs.ErrorAsync("UpdateExpressGatewayService", new { serviceArn = arn, cpu = "512" })).Type);
        Assert.Equal("ServiceNotFoundException", (await _ecs.ErrorAsync("DeleteExpressGatewayService", new { serviceArn = ServiceArn("exp-delete", "none") })).Type);
        // Its tasks never started (no capacity): the scheduler makes the service INACTIVE, and so is the Express service.
        var inactive = await Eventually.ReadAsync(() => DescribeAsync(arn), s => (string)s["status"]!["statusCode"]! == "INACTIVE");
        Assert.Equal("INACTIVE", (string)inactive["status"]!["statusCode"]!);
    }

    [Fact]
    public async Task Create_refuses_before_it_provisions_anything()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "exp-refuse" });
        object Request(string name, object? container = null, string? healthCheckPath = null, object? network = null, string? memory = null) => new
        {
            cluster = "exp-refuse",
            serviceName = name,
            executionRoleArn = ExecutionRole,
            infrastructureRoleArn = InfrastructureRole,
            primaryContainer = container ?? new { image = "berth/sample-web" },
            healthCheckPath,
            networkConfiguration = network,
            memory,
        };

        Assert.Equal(("InvalidParameterException", "healthCheckPath must start with a forward slash (/)."),
            await _ecs.ErrorAsync("CreateExpressGatewayService", Request("path", healthCheckPath: "ping")));
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("CreateExpressGatewayService", Request("port", new { image = "x", containerPort = 70000 }))).Type);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("CreateExpressGatewayService", Request("bad name!"))).Type);
        Assert.Equal("ClientException", (await _ecs.ErrorAsync("CreateExpressGatewayService", Request("size", memory: "100000"))).Type);
        var subnet = await _ecs.ErrorAsync("CreateExpressGatewayService", Request("subnet", network: new { subnets = new[] { "subnet-nowhere" } }));
        Assert.Equal("InvalidParameterException", subnet.Type);
        Assert.Contains("subnet-nowhere", subnet.Message, StringComparison.Ordinal);
        Assert.Equal("ClusterNotFoundException", (await _ecs.ErrorAsync("CreateExpressGatewayService", new
        {
            cluster = "exp-none",
            executionRoleArn = ExecutionRole,
            infrastructureRoleArn = InfrastructureRole,
            primaryContainer = new { image = "berth/sample-web" },
        })).Type);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("CreateExpressGatewayService", new { cluster = "exp-refuse", primaryContainer = new { image = "x" } })).Type);

        await _ecs.OkAsync("CreateExpressGatewayService", Request("twice"));
        Assert.Equal(("InvalidParameterException", "Creation of service was not idempotent."), await _ecs.ErrorAsync("CreateExpressGatewayService", Request("twice")));
        Assert.Equal("ResourceNotFoundException", (await _ecs.ErrorAsync("DescribeExpressGatewayService", new { serviceArn = ServiceArn("exp-refuse", "subnet") })).Type);
        Assert.Empty((await _ecs.OkAsync("DescribeServices", new { cluster = "exp-refuse", services = new[] { "subnet", "path" } }))["services"]!.AsArray());
    }

    [Fact]
    public async Task The_express_service_revisions_name_the_resources_it_provisioned_and_a_plain_service_names_none()
    {
        var created = await CreateAsync("exp-managed", "web");
        var arn = ServiceArn("exp-managed", "web");
        var revision = (string)created["activeConfigurations"]![0]!["serviceRevisionArn"]!;
        var endpoint = (string)created["activeConfigurations"]![0]!["ingressPaths"]![0]!["endpoint"]!;
        var balancer = await Elb.OkAsync("DescribeLoadBalancers", ("Names.member.1", ExpressGatewayRules.ResourceName(arn)));
        var balancerArn = ElbClient.Text(balancer, "LoadBalancers/member/LoadBalancerArn");
        var listenerArn = ElbClient.Text(await Elb.OkAsync("DescribeListeners", ("LoadBalancerArn", balancerArn)), "Listeners/member/ListenerArn");
        var groupArn = (string)(await EcsServiceAsync("exp-managed", "web"))["loadBalancers"]![0]!["targetGroupArn"]!;
        // A scaling change re-puts the target and policy (and the policy's alarms) without a new revision.
        await _ecs.OkAsync("UpdateExpressGatewayService", new { serviceArn = arn, scalingTarget = new { maxTaskCount = 3 } });
        var targetArn = (string)(await ScalableTargetsAsync("service/exp-managed/web"))[0]!["ScalableTargetARN"]!;
        var policy = (await Scaling.OkAsync("DescribeScalingPolicies", new { ServiceNamespace = "ecs", ResourceId = "service/exp-managed/web" }))["ScalingPolicies"]![0]!;
        var alarmArns = policy["Alarms"]!.AsArray().Select(a => (string)a!["AlarmARN"]!).ToList();
        Assert.NotEmpty(alarmArns);

        var resources = (await RevisionAsync(revision))["ecsManagedResources"]!;

        var ingress = Assert.Single(resources["ingressPaths"]!.AsArray())!;
        Assert.Equal(("PRIVATE", endpoint), ((string)ingress["accessType"]!, (string)ingress["endpoint"]!));
        Assert.Equal((balancerArn, "ACTIVE", "internal"), ((string)ingress["loadBalancer"]!["arn"]!, (string)ingress["loadBalancer"]!["status"]!, (string)ingress["loadBalancer"]!["scheme"]!));
        JsonAssert.Equal("""["subnet-local-a", "subnet-local-b"]""", ingress["loadBalancer"]!["subnetIds"]);
        Assert.Equal((listenerArn, "ACTIVE"), ((string)ingress["listener"]!["arn"]!, (string)ingress["listener"]!["status"]!));
        var group = Assert.Single(ingress["targetGroups"]!.AsArray())!;
        Assert.Equal((groupArn, "ACTIVE", "/ping", 80, 80),
            ((string)group["arn"]!, (string)group["status"]!, (string)group["healthCheckPath"]!, (int)group["healthCheckPort"]!, (int)group["port"]!));
        // Berth provisions no security group, certificate, listener rule or log group: none is named.
        Assert.Null(ingress["loadBalancerSecurityGroups"]);
        Assert.Null(ingress["certificate"]);
        Assert.Null(ingress["rule"]);
        Assert.Null(resources["serviceSecurityGroups"]);
        Assert.Null(resources["logGroups"]);
        var scaling = resources["autoScaling"]!;
        Assert.Equal((targetArn, "ACTIVE", 1, 3), ((string)scaling["scalableTarget"]!["arn"]!, (string)scaling["scalableTarget"]!["status"]!,
            (int)scaling["scalableTarget"]!["minCapacity"]!, (int)scaling["scalableTarget"]!["maxCapacity"]!));
        JsonAssert.Equal($$"""
            [{ "arn": "{{(string)policy["PolicyARN"]!}}", "status": "ACTIVE", "updatedAt": {{scaling["applicationAutoScalingPolicies"]![0]!["updatedAt"]}},
               "policyType": "TargetTrackingScaling", "targetValue": 60.0, "metric": "ECSServiceAverageCPUUtilization" }]
            """, scaling["applicationAutoScalingPolicies"]);
        Assert.Equal(alarmArns, resources["metricAlarms"]!.AsArray().Select(a => (string)a!["arn"]!));
        Assert.All(resources["metricAlarms"]!.AsArray(), a => Assert.Equal("ACTIVE", (string)a!["status"]!));

        // Resources removed behind the Express service's back read DELETED (a deleted Express service's revisions go
        // with its ECS service, as every deleted service's do).
        await Scaling.OkAsync("DeregisterScalableTarget", new { ServiceNamespace = "ecs", ResourceId = "service/exp-managed/web", ScalableDimension = "ecs:service:DesiredCount" });
        await Elb.OkAsync("DeleteLoadBalancer", ("LoadBalancerArn", balancerArn));
        var removed = (await RevisionAsync(revision))["ecsManagedResources"]!;
        Assert.Equal(("DELETED", "DELETED", "ACTIVE", "DELETED", "DELETED"), ((string)removed["ingressPaths"]![0]!["loadBalancer"]!["status"]!,
            (string)removed["ingressPaths"]![0]!["listener"]!["status"]!, (string)removed["ingressPaths"]![0]!["targetGroups"]![0]!["status"]!,
            (string)removed["autoScaling"]!["scalableTarget"]!["status"]!, (string)removed["autoScaling"]!["applicationAutoScalingPolicies"]![0]!["status"]!));
        Assert.Null(removed["metricAlarms"]);

        await _ecs.OkAsync("RegisterTaskDefinition", new { family = "exp-plain", containerDefinitions = new[] { new { name = "app", image = "berth/sample-web", memory = 64 } } });
        var plain = (await _ecs.OkAsync("CreateService", new { cluster = "exp-managed", serviceName = "plain", taskDefinition = "exp-plain", desiredCount = 0 }))["service"]!;
        var deployment = (await _ecs.OkAsync("DescribeServiceDeployments", new { serviceDeploymentArns = new[] { (string)plain["currentServiceDeployment"]! } }))["serviceDeployments"]![0]!;
        var plainRevision = await RevisionAsync((string)deployment["targetServiceRevision"]!["arn"]!);
        Assert.Equal(_ecs.TaskDefinitionArn("exp-plain", 1), (string)plainRevision["taskDefinition"]!);
        Assert.Null(plainRevision["ecsManagedResources"]);

        // ListServices tells the Express service (managed by ECS) from the customer's own.
        async Task<IEnumerable<string>> ListAsync(string type) =>
            (await _ecs.OkAsync("ListServices", new { cluster = "exp-managed", resourceManagementType = type }))["serviceArns"]!.AsArray().Select(a => (string)a!);
        Assert.Equal([arn], await ListAsync("ECS"));
        Assert.Equal([ServiceArn("exp-managed", "plain")], await ListAsync("CUSTOMER"));
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("ListServices", new { cluster = "exp-managed", resourceManagementType = "AWS" })).Type);
        // DescribeServices says the same of each service.
        Assert.Equal("ECS", (string)(await EcsServiceAsync("exp-managed", "web"))["resourceManagementType"]!);
        Assert.Equal("CUSTOMER", (string)(await EcsServiceAsync("exp-managed", "plain"))["resourceManagementType"]!);
    }

    private async Task<JsonNode> RevisionAsync(string arn) =>
        Assert.Single((await _ecs.OkAsync("DescribeServiceRevisions", new { serviceRevisionArns = new[] { arn } }))["serviceRevisions"]!.AsArray())!;
}
