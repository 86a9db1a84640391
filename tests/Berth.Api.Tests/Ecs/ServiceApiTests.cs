using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Ecs;

/// <summary>
/// The service API and the scheduler behind it, over HTTP, with container instances registered through the API
/// (no agent, no Docker): tasks the scheduler launches stay PENDING, which is enough to see what it decided.
/// </summary>
public class ServiceApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private async Task ClusterAsync(string cluster, bool withInstance = true)
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        if (withInstance)
        {
            await ClusterCapacity.RegisterInstanceAsync(_ecs, cluster, $"i-{cluster}", cpu: 4096, memory: 8192);
        }
        await ClusterCapacity.RegisterWebAsync(_ecs, "web", cpu: 256, memory: 256);
    }

    private async Task<JsonNode> DescribeAsync(string cluster, string service) =>
        (await _ecs.OkAsync("DescribeServices", new { cluster, services = new[] { service } }))["services"]![0]!;

    private async Task<JsonArray> TasksOfAsync(string cluster, string service)
    {
        var arns = (await _ecs.OkAsync("ListTasks", new { cluster, serviceName = service }))["taskArns"]!.AsArray();
        return arns.Count == 0
            ? []
            : (await _ecs.OkAsync("DescribeTasks", new { cluster, tasks = arns.Select(a => (string)a!).ToArray() }))["tasks"]!.AsArray();
    }

    [Fact]
    public async Task CreateService_answers_the_new_service_and_the_scheduler_launches_its_tasks()
    {
        await ClusterAsync("svc");

        var created = (await _ecs.OkAsync("CreateService", new { cluster = "svc", serviceName = "web", taskDefinition = "web", desiredCount = 3 }))["service"]!;

        Assert.Equal($"{_ecs.ArnPrefix}:service/svc/web", (string)created["serviceArn"]!);
        Assert.Equal("ACTIVE", (string)created["status"]!);
        Assert.Equal("REPLICA", (string)created["schedulingStrategy"]!);
        Assert.Equal("EC2", (string)created["launchType"]!);
        Assert.Equal(_ecs.TaskDefinitionArn("web", 1), (string)created["taskDefinition"]!);
        Assert.Equal(200, (int)created["deploymentConfiguration"]!["maximumPercent"]!);
        Assert.Equal(100, (int)created["deploymentConfiguration"]!["minimumHealthyPercent"]!);
        Assert.False((bool)created["deploymentConfiguration"]!["deploymentCircuitBreaker"]!["enable"]!);
        var deployment = Assert.Single(created["deployments"]!.AsArray())!;
        Assert.Equal("PRIMARY", (string)deployment["status"]!);
        Assert.Equal("IN_PROGRESS", (string)deployment["rolloutState"]!);
        Assert.Matches("^ecs-svc/[0-9]{19}$", (string)deployment["id"]!);

        var tasks = await Eventually.ReadAsync(() => TasksOfAsync("svc", "web"), t => t.Count == 3);
        Assert.Equal(3, tasks.Count);
        Assert.All(tasks, t =>
        {
            Assert.Equal((string)deployment["id"]!, (string)t!["startedBy"]!);
            Assert.Equal("service:web", (string)t["group"]!);
        });
        var service = await Eventually.ReadAsync(() => DescribeAsync("svc", "web"), s => s["events"]!.AsArray().Count > 0);
        Assert.StartsWith("(service web) has started 3 tasks: (task ", (string)service["events"]![0]!["message"]!);
        Assert.Equal(3, (int)service["pendingCount"]!);
        Assert.Equal(3, (int)service["deployments"]![0]!["pendingCount"]!);
    }

    [Fact]
    public async Task Without_container_instances_the_service_says_why_it_cannot_place_tasks()
    {
        await ClusterAsync("bare", withInstance: false);
        await _ecs.OkAsync("CreateService", new { cluster = "bare", serviceName = "web", taskDefinition = "web", desiredCount = 1 });

        var service = await Eventually.ReadAsync(() => DescribeAsync("bare", "web"), s => s["events"]!.AsArray().Count > 0);

        Assert.Equal(
            "(service web) was unable to place a task because no container instance met all of its requirements. "
            + "Reason: No Container Instances were found in your cluster. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
            (string)service["events"]![0]!["message"]!);
    }

    [Theory]
    [InlineData("""{"serviceName":"bad name","taskDefinition":"web"}""", "InvalidParameterException")]
    [InlineData("""{"serviceName":"d","taskDefinition":"web","schedulingStrategy":"DAEMON","desiredCount":1}""", "InvalidParameterException")]
    [InlineData("""{"serviceName":"p","taskDefinition":"web","deploymentConfiguration":{"maximumPercent":90}}""", "InvalidParameterException")]
    [InlineData("""{"serviceName":"m","taskDefinition":"web","deploymentConfiguration":{"minimumHealthyPercent":101}}""", "InvalidParameterException")]
    [InlineData("""{"serviceName":"n","taskDefinition":"nope"}""", "ClientException")]
    [InlineData("""{"serviceName":"c","taskDefinition":"web","deploymentController":{"type":"BLUE"}}""", "InvalidParameterException")]
    [InlineData("""{"serviceName":"l","taskDefinition":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/t/1","containerName":"web","containerPort":8080}]}""", "InvalidParameterException")]
    [InlineData("""{"serviceName":"r","taskDefinition":"web","serviceRegistries":[{"registryArn":"arn:aws:servicediscovery:us-east-1:000000000000:service/srv-1"}]}""", "UnsupportedFeatureException")]
    public async Task Invalid_CreateService_requests_fail_and_store_nothing(string body, string error)
    {
        var cluster = $"bad{Math.Abs(body.GetHashCode(StringComparison.Ordinal))}";
        await ClusterAsync(cluster);
        var request = JsonNode.Parse(body)!.AsObject();
        request["cluster"] = cluster;

        var (type, _) = await _ecs.ErrorAsync("CreateService", request.ToJsonString());

        Assert.Equal(error, type);
        Assert.Empty((await _ecs.OkAsync("ListServices", new { cluster }))["serviceArns"]!.AsArray());
    }

    [Fact]
    public async Task A_live_service_name_cannot_be_created_twice()
    {
        await ClusterAsync("twice");
        await _ecs.OkAsync("CreateService", new { cluster = "twice", serviceName = "web", taskDefinition = "web", desiredCount = 0 });

        var (type, message) = await _ecs.ErrorAsync("CreateService", new { cluster = "twice", serviceName = "web", taskDefinition = "web", desiredCount = 0 });

        Assert.Equal("InvalidParameterException", type);
        Assert.Equal("Creation of service was not idempotent.", message);
    }

    [Fact]
    public async Task A_create_retried_with_its_client_token_answers_the_service_it_created_and_changes_nothing()
    {
        await ClusterAsync("retry");
        var request = new { cluster = "retry", serviceName = "web", taskDefinition = "web", desiredCount = 0, clientToken = "create-web-1" };
        var created = (await _ecs.OkAsync("CreateService", request))["service"]!;
        // A write after the create (here an update) keeps the token with the service.
        await _ecs.OkAsync("UpdateService", new { cluster = "retry", service = "web", desiredCount = 2 });

        var retried = (await _ecs.OkAsync("CreateService", request))["service"]!;

        Assert.Equal((string)created["serviceArn"]!, (string)retried["serviceArn"]!);
        Assert.Equal(created["createdAt"]!.ToJsonString(), retried["createdAt"]!.ToJsonString());
        Assert.Equal(2, (int)retried["desiredCount"]!);
        Assert.Equal(("InvalidParameterException", "Creation of service was not idempotent."),
            await _ecs.ErrorAsync("CreateService", request with { clientToken = "another-token" }));
        Assert.Equal(("InvalidParameterException", "Creation of service was not idempotent."),
            await _ecs.ErrorAsync("CreateService", new { cluster = "retry", serviceName = "web", taskDefinition = "web", desiredCount = 0 }));
        Assert.Equal("InvalidParameterException",
            (await _ecs.ErrorAsync("CreateService", request with { serviceName = "other", clientToken = new string('x', 37) })).Type);
        Assert.Single((await _ecs.OkAsync("ListServices", new { cluster = "retry" }))["serviceArns"]!.AsArray());
    }

    [Fact]
    public async Task A_new_task_definition_starts_a_deployment_and_a_new_desired_count_does_not()
    {
        await ClusterAsync("upd");
        await ClusterCapacity.RegisterWebAsync(_ecs, "web", cpu: 256, memory: 256);
        await _ecs.OkAsync("CreateService", new { cluster = "upd", serviceName = "web", taskDefinition = "web:1", desiredCount = 1 });

        var scaled = (await _ecs.OkAsync("UpdateService", new { cluster = "upd", service = "web", desiredCount = 2 }))["service"]!;
        Assert.Equal(2, (int)scaled["desiredCount"]!);
        Assert.Single(scaled["deployments"]!.AsArray());

        var deployed = (await _ecs.OkAsync("UpdateService", new { cluster = "upd", service = "web", taskDefinition = "web:2" }))["service"]!;
        var deployments = deployed["deployments"]!.AsArray();
        Assert.Equal(2, deployments.Count);
        Assert.Equal(("PRIMARY", _ecs.TaskDefinitionArn("web", 2)), ((string)deployments[0]!["status"]!, (string)deployments[0]!["taskDefinition"]!));
        Assert.Equal(("ACTIVE", _ecs.TaskDefinitionArn("web", 1)), ((string)deployments[1]!["status"]!, (string)deployments[1]!["taskDefinition"]!));

        var forced = (await _ecs.OkAsync("UpdateService", new { cluster = "upd", service = "web", forceNewDeployment = true }))["service"]!;
        Assert.Equal(_ecs.TaskDefinitionArn("web", 2), (string)forced["deployments"]![0]!["taskDefinition"]!);
        Assert.NotEqual((string)deployments[0]!["id"]!, (string)forced["deployments"]![0]!["id"]!);

        var (type, _) = await _ecs.ErrorAsync("UpdateService", new { cluster = "upd", service = "nope", desiredCount = 1 });
        Assert.Equal("ServiceNotFoundException", type);
    }

    [Fact]
    public async Task DeleteService_refuses_a_scaled_service_unless_forced_and_then_drains_it()
    {
        await ClusterAsync("del");
        await _ecs.OkAsync("CreateService", new { cluster = "del", serviceName = "web", taskDefinition = "web", desiredCount = 2 });
        await Eventually.ReadAsync(() => TasksOfAsync("del", "web"), t => t.Count == 2);

        var (type, message) = await _ecs.ErrorAsync("DeleteService", new { cluster = "del", service = "web" });
        Assert.Equal(("InvalidParameterException", "The service cannot be stopped while it is scaled above 0."), (type, message));

        var deleted = (await _ecs.OkAsync("DeleteService", new { cluster = "del", service = "web", force = true }))["service"]!;
        Assert.Equal("DRAINING", (string)deleted["status"]!);
        // No agent runs the tasks here, so they stay on their way to STOPPED and the service stays DRAINING.
        var tasks = await Eventually.ReadAsync(() => TasksOfAsync("del", "web"), t => t.Count == 0);
        Assert.Empty(tasks);
        Assert.Single((await _ecs.OkAsync("ListServices", new { cluster = "del" }))["serviceArns"]!.AsArray());
        var (again, _) = await _ecs.ErrorAsync("CreateService", new { cluster = "del", serviceName = "web", taskDefinition = "web" });
        Assert.Equal("InvalidParameterException", again);
    }

    [Fact]
    public async Task A_service_without_tasks_goes_inactive_and_its_name_can_be_reused()
    {
        await ClusterAsync("reuse", withInstance: false);
        await _ecs.OkAsync("CreateService", new { cluster = "reuse", serviceName = "web", taskDefinition = "web", desiredCount = 0 });
        var (clusterError, _) = await _ecs.ErrorAsync("DeleteCluster", new { cluster = "reuse" });
        Assert.Equal("ClusterContainsServicesException", clusterError);

        await _ecs.OkAsync("DeleteService", new { cluster = "reuse", service = "web" });
        var inactive = await Eventually.ReadAsync(() => DescribeAsync("reuse", "web"), s => (string)s["status"]! == "INACTIVE");

        Assert.Equal("INACTIVE", (string)inactive["status"]!);
        Assert.Empty((await _ecs.OkAsync("ListServices", new { cluster = "reuse" }))["serviceArns"]!.AsArray());
        var (type, _) = await _ecs.ErrorAsync("UpdateService", new { cluster = "reuse", service = "web", desiredCount = 1 });
        Assert.Equal("ServiceNotActiveException", type);
        var again = (await _ecs.OkAsync("CreateService", new { cluster = "reuse", serviceName = "web", taskDefinition = "web", desiredCount = 0 }))["service"]!;
        Assert.Equal("ACTIVE", (string)again["status"]!);
        await _ecs.OkAsync("DeleteService", new { cluster = "reuse", service = "web" });
        await Eventually.ReadAsync(() => DescribeAsync("reuse", "web"), s => (string)s["status"]! == "INACTIVE");
        await _ecs.OkAsync("DeleteCluster", new { cluster = "reuse" });
    }

    [Fact]
    public async Task ListServices_pages_and_filters_by_scheduling_strategy()
    {
        await ClusterAsync("list", withInstance: false);
        foreach (var name in new[] { "a", "b", "c" })
        {
            await _ecs.OkAsync("CreateService", new { cluster = "list", serviceName = name, taskDefinition = "web", desiredCount = 0 });
        }
        await _ecs.OkAsync("CreateService", new { cluster = "list", serviceName = "d", taskDefinition = "web", schedulingStrategy = "DAEMON" });

        var first = await _ecs.OkAsync("ListServices", new { cluster = "list", maxResults = 3 });
        var second = await _ecs.OkAsync("ListServices", new { cluster = "list", maxResults = 3, nextToken = (string)first["nextToken"]! });
        var daemons = await _ecs.OkAsync("ListServices", new { cluster = "list", schedulingStrategy = "DAEMON" });

        var all = first["serviceArns"]!.AsArray().Concat(second["serviceArns"]!.AsArray()).Select(a => ((string)a!).Split('/')[^1]).ToList();
        Assert.Equal(["a", "b", "c", "d"], all.Order(StringComparer.Ordinal));
        Assert.Null(second["nextToken"]);
        Assert.Equal([$"{_ecs.ArnPrefix}:service/list/d"], daemons["serviceArns"]!.AsArray().Select(a => (string)a!));
    }

    [Fact]
    public async Task Describe_reports_missing_services_and_tags_only_when_asked()
    {
        await ClusterAsync("desc", withInstance: false);
        await _ecs.OkAsync("CreateService", new
        {
            cluster = "desc",
            serviceName = "web",
            taskDefinition = "web",
            desiredCount = 0,
            tags = new[] { new { key = "team", value = "a" } },
        });
        var arn = $"{_ecs.ArnPrefix}:service/desc/web";
        await _ecs.OkAsync("TagResource", new { resourceArn = arn, tags = new[] { new { key = "env", value = "dev" } } });

        var plain = await _ecs.OkAsync("DescribeServices", new { cluster = "desc", services = new[] { "web", "ghost" } });
        var tagged = await _ecs.OkAsync("DescribeServices", new { cluster = "desc", services = new[] { arn }, include = new[] { "TAGS" } });

        Assert.Null(plain["services"]![0]!["tags"]);
        Assert.Equal("MISSING", (string)plain["failures"]![0]!["reason"]!);
        Assert.Equal($"{_ecs.ArnPrefix}:service/ghost", (string)plain["failures"]![0]!["arn"]!);
        Assert.Equal(["env", "team"], tagged["services"]![0]!["tags"]!.AsArray().Select(t => (string)t!["key"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_daemon_service_runs_one_task_on_each_active_instance()
    {
        await ClusterAsync("daemon");
        var second = await ClusterCapacity.RegisterInstanceAsync(_ecs, "daemon", "i-daemon-2", cpu: 4096, memory: 8192);

        await _ecs.OkAsync("CreateService", new { cluster = "daemon", serviceName = "agent", taskDefinition = "web", schedulingStrategy = "DAEMON" });

        var tasks = await Eventually.ReadAsync(() => TasksOfAsync("daemon", "agent"), t => t.Count == 2);
        Assert.Equal(2, tasks.Select(t => (string)t!["containerInstanceArn"]!).Distinct().Count());
        var service = await DescribeAsync("daemon", "agent");
        Assert.Equal(2, (int)service["desiredCount"]!);

        await _ecs.OkAsync("UpdateContainerInstancesState", new { cluster = "daemon", containerInstances = new[] { second }, status = "DRAINING" });
        var left = await Eventually.ReadAsync(() => TasksOfAsync("daemon", "agent"), t => t.Count == 1);
        Assert.NotEqual(second, (string)Assert.Single(left)!["containerInstanceArn"]!);
    }

    [Fact]
    public async Task A_daemon_service_refuses_a_capacity_provider_strategy_as_ecs_does()
    {
        await _ecs.OkAsync("CreateCluster", new
        {
            clusterName = "daemon-cp",
            capacityProviders = new[] { "FARGATE" },
            defaultCapacityProviderStrategy = new[] { new { capacityProvider = "FARGATE", weight = 1 } },
        });
        await ClusterCapacity.RegisterInstanceAsync(_ecs, "daemon-cp", "i-daemon-cp");
        await ClusterCapacity.RegisterWebAsync(_ecs, "web", cpu: 256, memory: 256);
        var strategy = new[] { new { capacityProvider = "FARGATE", weight = 1 } };

        var given = await _ecs.ErrorAsync("CreateService", new
        {
            cluster = "daemon-cp",
            serviceName = "given",
            taskDefinition = "web",
            schedulingStrategy = "DAEMON",
            capacityProviderStrategy = strategy,
        });
        var defaulted = await _ecs.ErrorAsync("CreateService", new { cluster = "daemon-cp", serviceName = "defaulted", taskDefinition = "web", schedulingStrategy = "DAEMON" });
        // ECS's way out on a cluster with a default strategy: name the EC2 launch type.
        await _ecs.OkAsync("CreateService", new { cluster = "daemon-cp", serviceName = "ec2", taskDefinition = "web", schedulingStrategy = "DAEMON", launchType = "EC2" });
        var updated = await _ecs.ErrorAsync("UpdateService", new { cluster = "daemon-cp", service = "ec2", capacityProviderStrategy = strategy });

        const string Refusal = "Specifying a capacity provider strategy is not supported when you create a service using the DAEMON scheduling strategy.";
        Assert.Equal(("InvalidParameterException", Refusal), given);
        Assert.Equal(("InvalidParameterException", Refusal), defaulted);
        Assert.Equal(("InvalidParameterException", Refusal.Replace("create", "update", StringComparison.Ordinal)), updated);
        var names = (await _ecs.OkAsync("ListServices", new { cluster = "daemon-cp" }))["serviceArns"]!.AsArray().Select(a => ((string)a!).Split('/')[^1]);
        Assert.Equal(["ec2"], names);
    }
}
