using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class ServiceUpdateTests
{
    private static readonly TaskDefinition V2 = new() { TaskDefinitionArn = TaskDefV2, Family = "web", ContainerDefinitions = [] };

    private static Service Apply(Service service, UpdateServiceRequest request, TaskDefinition? definition = null) =>
        ServiceUpdate.Apply(service, request, definition, DepNew, T0);

    [Fact]
    public void Scaling_changes_the_desired_count_without_a_new_deployment()
    {
        var updated = Apply(Replica(2, Deployment(DepOld)), new UpdateServiceRequest { DesiredCount = 5 });

        Assert.Equal(5, updated.DesiredCount);
        Assert.Equal([DepOld], updated.Deployments!.Select(d => d.Id));
        // The primary deployment carries the new count at once, not only after the scheduler's next round.
        Assert.Equal(5, updated.Deployments![0].DesiredCount);
    }

    [Fact]
    public void A_new_task_definition_puts_a_new_primary_first_and_keeps_the_old_one_active()
    {
        var updated = Apply(Replica(2, Deployment(DepOld)), new UpdateServiceRequest { TaskDefinition = "web:2" }, V2);

        Assert.Equal(TaskDefV2, updated.TaskDefinition);
        Assert.Equal([(DepNew, "PRIMARY", TaskDefV2), (DepOld, "ACTIVE", TaskDefV1)],
            updated.Deployments!.Select(d => (d.Id!, d.Status!, d.TaskDefinition!)));
    }

    [Fact]
    public void Force_new_deployment_redeploys_the_same_task_definition()
    {
        var updated = Apply(Replica(2, Deployment(DepOld)), new UpdateServiceRequest { ForceNewDeployment = true });

        Assert.Equal([TaskDefV1, TaskDefV1], updated.Deployments!.Select(d => d.TaskDefinition));
    }

    [Fact]
    public void Deployment_configuration_is_merged_member_by_member()
    {
        var service = Replica(2, Deployment(DepOld)).WithBounds(200, 50);

        var updated = Apply(service, new UpdateServiceRequest { DeploymentConfiguration = new DeploymentConfiguration { MaximumPercent = 150 } });

        Assert.Equal((150, 50), (updated.DeploymentConfiguration!.MaximumPercent, updated.DeploymentConfiguration.MinimumHealthyPercent));
    }

    [Fact]
    public void A_new_capacity_provider_strategy_deploys_anew_and_replaces_the_launch_type()
    {
        var service = Replica(2, Deployment(DepOld)) with { LaunchType = "EC2" };
        CapacityProviderStrategyItem[] strategy = [new() { CapacityProvider = "web-asg", Weight = 1 }];

        var updated = Apply(service, new UpdateServiceRequest { CapacityProviderStrategy = strategy });

        Assert.Null(updated.LaunchType);
        Assert.Equal(strategy, updated.CapacityProviderStrategy);
        Assert.Equal([DepNew, DepOld], updated.Deployments!.Select(d => d.Id));
    }

    [Fact]
    public void Only_an_active_service_can_be_updated()
    {
        var draining = Replica(0, Deployment(DepOld)) with { Status = ServiceStatuses.Draining };

        Assert.Throws<ServiceNotActiveException>(() => Apply(draining, new UpdateServiceRequest { DesiredCount = 1 }));
    }

    [Fact]
    public void A_daemon_service_takes_no_desired_count()
    {
        Assert.Throws<InvalidParameterException>(() => Apply(Daemon(Deployment(DepOld)), new UpdateServiceRequest { DesiredCount = 1 }));
    }
}
