using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;

namespace Berth.Core.Tests.Services;

public class ServiceFactoryTests
{
    private static readonly ResourceScope Scope = new("us-east-1", "123456789012");
    private static readonly Cluster Cluster = new() { ClusterName = "default", ClusterArn = Scope.ClusterArn("default") };

    private static readonly TaskDefinition Web = new()
    {
        TaskDefinitionArn = ServiceFixture.TaskDefV1,
        Family = "web",
        ContainerDefinitions = [new ContainerDefinition { Name = "web", PortMappings = [new PortMapping { ContainerPort = 80 }] }],
    };

    private static Service Create(CreateServiceRequest request) =>
        ServiceFactory.Create(request, new ServiceFactory.Placement(Scope, Cluster, Web, "EC2"), ServiceFixture.DepNew, "me", ServiceFixture.T0);

    [Fact]
    public void A_replica_service_starts_with_one_primary_deployment_and_ECS_defaults()
    {
        var service = Create(new CreateServiceRequest { ServiceName = "web", DesiredCount = 3, Role = "ecsServiceRole" });

        Assert.Equal("arn:aws:ecs:us-east-1:123456789012:service/default/web", service.ServiceArn);
        Assert.Equal(("ACTIVE", 3, "REPLICA", "NONE"), (service.Status, service.DesiredCount, service.SchedulingStrategy, service.PropagateTags));
        Assert.Equal("arn:aws:iam::123456789012:role/ecsServiceRole", service.RoleArn);
        Assert.Equal((200, 100), (service.DeploymentConfiguration!.MaximumPercent, service.DeploymentConfiguration.MinimumHealthyPercent));
        var deployment = Assert.Single(service.Deployments!);
        Assert.Equal((ServiceFixture.DepNew, "PRIMARY", "IN_PROGRESS", 3), (deployment.Id, deployment.Status, deployment.RolloutState, deployment.DesiredCount));
        Assert.Equal(Web.TaskDefinitionArn, deployment.TaskDefinition);
    }

    [Fact]
    public void A_daemon_service_gets_daemon_bounds_and_a_desired_count_the_scheduler_computes()
    {
        var service = Create(new CreateServiceRequest { ServiceName = "log", SchedulingStrategy = "DAEMON" });

        Assert.Equal((0, 100, 0), (service.DesiredCount, service.DeploymentConfiguration!.MaximumPercent, service.DeploymentConfiguration.MinimumHealthyPercent));
    }

    [Theory]
    [InlineData("web", 80, null)]
    [InlineData("web", 8080, "The container web did not have a container port 8080 defined.")]
    [InlineData("db", 80, "The container db does not exist in the task definition.")]
    public void Load_balancers_must_name_a_container_port_of_the_task_definition(string container, int port, string? error)
    {
        LoadBalancer[] balancers = [new() { TargetGroupArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1", ContainerName = container, ContainerPort = port }];

        var thrown = Record.Exception(() => ServiceFactory.ValidateLoadBalancers(balancers, Web));

        Assert.Equal(error, thrown?.Message);
    }

    [Fact]
    public void Unsupported_features_are_refused_by_name()
    {
        Assert.Throws<UnsupportedFeatureException>(() => ServiceFactory.ValidateRequest(new CreateServiceRequest { ServiceName = "b", DeploymentConfiguration = new DeploymentConfiguration { LifecycleHooks = [new DeploymentLifecycleHook { TargetType = "AWS_LAMBDA" }] } }));
        Assert.Throws<InvalidParameterException>(() => ServiceFactory.ValidateRequest(new CreateServiceRequest { ServiceName = "d", DeploymentController = new DeploymentController { Type = "NOPE" } }));
    }
}
