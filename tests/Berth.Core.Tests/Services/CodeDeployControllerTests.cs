using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class CodeDeployControllerTests
{
    private const string UseCodeDeploy = "on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.";
    private static readonly ResourceScope Scope = new("us-east-1", "123456789012");
    private static readonly Cluster Cluster = new() { ClusterName = "default", ClusterArn = Scope.ClusterArn("default") };
    private static readonly DeploymentController CodeDeploy = new() { Type = CodeDeployController.Type };

    private static readonly TaskDefinition Web = new()
    {
        TaskDefinitionArn = TaskDefV1,
        Family = "web",
        ContainerDefinitions = [new ContainerDefinition { Name = "web", PortMappings = [new PortMapping { ContainerPort = 80 }] }],
    };

    private static readonly LoadBalancer Balancer = new()
    {
        TargetGroupArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/1",
        ContainerName = "web",
        ContainerPort = 80,
    };

    private static Service Created(int desired = 3) => ServiceFactory.Create(
        new CreateServiceRequest { ServiceName = "web", DesiredCount = desired, DeploymentController = CodeDeploy, LoadBalancers = [Balancer] },
        new ServiceFactory.Placement(Scope, Cluster, Web, "EC2"), DepNew, "me", T0);

    [Fact]
    public void CreateService_starts_a_primary_task_set_of_the_service_and_no_deployment()
    {
        var service = Created();

        Assert.Empty(service.Deployments!);
        var taskSet = Assert.Single(service.TaskSets!);
        Assert.Equal((DepNew, "arn:aws:ecs:us-east-1:123456789012:task-set/default/web/" + DepNew), (taskSet.Id, taskSet.TaskSetArn));
        Assert.Equal((TaskSetRules.Primary, TaskDefV1, "EC2", 3), (taskSet.Status, taskSet.TaskDefinition, taskSet.LaunchType, taskSet.ComputedDesiredCount));
        Assert.Equal((100.0, "PERCENT"), (taskSet.Scale!.Value, taskSet.Scale.Unit));
        Assert.Equal((TaskSetRules.Stabilizing, T0), (taskSet.StabilityStatus, taskSet.StabilityStatusAt));
        Assert.Equal([Balancer], taskSet.LoadBalancers);
        Assert.Equal((null, null), (taskSet.StartedBy, taskSet.ExternalId));
        Assert.Equal((TaskDefV1, "CODE_DEPLOY"), (service.TaskDefinition, service.DeploymentController!.Type));
    }

    [Fact]
    public void The_primary_task_set_runs_the_desired_count_and_gives_the_service_its_counts()
    {
        var service = Created(desired: 2);

        var first = Plan(Snapshot(service));
        var later = Plan(Snapshot(first.Service, RunningTasks(2, DepNew, "t")));

        Assert.Equal([(DepNew, TaskDefV1, 2)], first.Starts.Select(s => (s.DeploymentId, s.TaskDefinitionArn, s.Count)));
        Assert.Equal((2, TaskSetRules.SteadyState), (later.Service.RunningCount, later.Service.TaskSets!.Single().StabilityStatus));
        Assert.Empty(later.Service.Deployments!);
    }

    [Fact]
    public void A_new_desired_count_is_the_primary_task_sets_computed_desired_count()
    {
        var updated = ServiceUpdate.Apply(Created(), new UpdateServiceRequest { DesiredCount = 5, HealthCheckGracePeriodSeconds = 30 }, null, DepOld, T0);

        Assert.Equal((5, 30), (updated.TaskSets!.Single().ComputedDesiredCount, updated.HealthCheckGracePeriodSeconds));
        Assert.Empty(updated.Deployments!);
    }

    [Theory]
    [InlineData("taskDefinition", "Unable to update task definition")]
    [InlineData("networkConfiguration", "Unable to update network parameters")]
    [InlineData("loadBalancers", "Unable to update load balancers")]
    [InlineData("platformVersion", "Unable to update platform version")]
    [InlineData("forceNewDeployment", "Cannot force a new deployment")]
    [InlineData("capacityProviderStrategy", "Cannot force a new deployment")]
    public void UpdateService_refuses_what_only_a_CodeDeploy_deployment_changes(string given, string refusal)
    {
        var request = given switch
        {
            "taskDefinition" => new UpdateServiceRequest { TaskDefinition = "web:2" },
            "networkConfiguration" => new UpdateServiceRequest { NetworkConfiguration = new NetworkConfiguration() },
            "loadBalancers" => new UpdateServiceRequest { LoadBalancers = [] },
            "platformVersion" => new UpdateServiceRequest { PlatformVersion = "1.4.0" },
            "forceNewDeployment" => new UpdateServiceRequest { ForceNewDeployment = true },
            _ => new UpdateServiceRequest { CapacityProviderStrategy = [] },
        };

        var error = Assert.Throws<InvalidParameterException>(() => ServiceUpdate.Apply(Created(), request, null, DepOld, T0));

        Assert.Equal($"{refusal} {UseCodeDeploy}", error.Message);
    }

    [Fact]
    public void The_daemon_strategy_is_refused()
    {
        var error = Assert.Throws<InvalidParameterException>(() => ServiceFactory.ValidateRequest(
            new CreateServiceRequest { ServiceName = "web", TaskDefinition = "web:1", SchedulingStrategy = "DAEMON", DeploymentController = CodeDeploy }));

        Assert.Contains("DAEMON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Its_task_sets_can_be_described_but_not_managed()
    {
        var service = Created();

        TaskSetRules.RequireTaskSets(service);
        var error = Assert.Throws<InvalidParameterException>(() => TaskSetRules.Rescaled(service, DepNew, new Scale { Value = 50 }, T0));
        var replica = Assert.Throws<InvalidParameterException>(() => TaskSetRules.RequireTaskSets(Replica(1)));

        Assert.Equal(TaskSetRules.NotExternalMessage, error.Message);
        Assert.Equal(TaskSetRules.NotExternalMessage, replica.Message);
    }
}
