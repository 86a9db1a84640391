using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class ServiceRulesTests
{
    [Theory]
    [InlineData("DAEMON", 1, "create", "Specifying a capacity provider strategy is not supported when you create a service using the DAEMON scheduling strategy.")]
    [InlineData("DAEMON", 1, "update", "Specifying a capacity provider strategy is not supported when you update a service using the DAEMON scheduling strategy.")]
    [InlineData("DAEMON", 0, "create", null)]
    [InlineData("REPLICA", 1, "create", null)]
    [InlineData(null, 1, "create", null)]
    public void Only_a_replica_service_may_run_on_a_capacity_provider_strategy(string? schedulingStrategy, int providers, string action, string? error)
    {
        var strategy = Enumerable.Repeat(new CapacityProviderStrategyItem { CapacityProvider = "FARGATE", Weight = 1 }, providers).ToList();

        var thrown = Record.Exception(() => ServiceRules.RefuseDaemonStrategy(schedulingStrategy, strategy, action));

        Assert.Equal(error, thrown?.Message);
        Assert.True(thrown is null or InvalidParameterException);
    }

    [Theory]
    [InlineData("EXTERNAL", true, true)]
    [InlineData("CODE_DEPLOY", true, true)]
    [InlineData("EXTERNAL", false, true)]
    [InlineData("CODE_DEPLOY", false, true)]
    [InlineData("EXTERNAL", null, false)]
    [InlineData("ECS", true, false)]
    [InlineData(null, true, false)]
    public void Deployment_alarms_are_for_the_ecs_controller_only_even_disabled(string? controller, bool? enable, bool refused)
    {
        // enable null: the request gives no alarms at all.
        var configuration = new DeploymentConfiguration { Alarms = enable is { } on ? new DeploymentAlarms { AlarmNames = [], Enable = on, Rollback = false } : null };

        var thrown = Record.Exception(() => ServiceRules.RefuseAlarmsWithoutEcsController(controller, configuration));

        Assert.Equal(refused
            ? "Alarm based rollback feature is only supported with ECS deployment controller. Update to ECS deployment controller and try again."
            : null, thrown?.Message);
        Assert.True(thrown is null or InvalidParameterException);
    }

    [Theory]
    [InlineData("EXTERNAL")]
    [InlineData("CODE_DEPLOY")]
    public void CreateService_and_UpdateService_refuse_alarms_for_task_set_controllers(string controller)
    {
        var alarms = new DeploymentConfiguration { Alarms = new DeploymentAlarms { AlarmNames = ["errors"], Enable = true, Rollback = true } };

        Assert.Throws<InvalidParameterException>(() => ServiceRules.ValidateCreateService(
            new CreateServiceRequest { ServiceName = "web", DeploymentController = new DeploymentController { Type = controller }, DeploymentConfiguration = alarms }));
        var current = Replica(1) with { DeploymentController = new DeploymentController { Type = controller } };
        Assert.Throws<InvalidParameterException>(() => ServiceRules.ValidateUpdateService(current, new UpdateServiceRequest { DeploymentConfiguration = alarms }));
        // An update that names no alarms passes, even when the service was given some before Berth refused them.
        ServiceRules.ValidateUpdateService(current with { DeploymentConfiguration = alarms }, new UpdateServiceRequest { DesiredCount = 2 });
    }

    [Fact]
    public void Deployment_ids_are_ecs_svc_and_19_digits()
    {
        var random = new Random(7);

        for (var i = 0; i < 100; i++)
        {
            Assert.Matches("^ecs-svc/[1-9][0-9]{18}$", ServiceRules.NewDeploymentId(random));
        }
    }

    [Fact]
    public void A_new_deployment_is_primary_and_in_progress()
    {
        var service = Replica(3, Deployment(DepOld)) with { TaskDefinition = TaskDefV2, LaunchType = "EC2" };

        var deployment = ServiceRules.NewDeployment(service, DepNew, T0);

        Assert.Equal(DeploymentStatuses.Primary, deployment.Status);
        Assert.Equal(RolloutStates.InProgress, deployment.RolloutState);
        Assert.Equal($"ECS deployment {DepNew} in progress.", deployment.RolloutStateReason);
        Assert.Equal((TaskDefV2, 3, 0, 0, 0), (deployment.TaskDefinition, deployment.DesiredCount, deployment.RunningCount, deployment.PendingCount, deployment.FailedTasks));
        Assert.Equal((T0, T0), (deployment.CreatedAt, deployment.UpdatedAt));
        Assert.Equal("EC2", deployment.LaunchType);
    }

    [Fact]
    public void A_deployment_id_must_have_the_ecs_svc_prefix()
    {
        Assert.Throws<InvalidParameterException>(() => ServiceRules.NewDeployment(Replica(1), "12345", T0));
    }

    [Fact]
    public void Starting_a_deployment_demotes_the_primary_and_keeps_its_rollout_state()
    {
        var service = Replica(2, Deployment(DepOld)) with { TaskDefinition = TaskDefV2 };

        var updated = ServiceRules.StartDeployment(service, DepNew, T0);

        Assert.Equal([DepNew, DepOld], updated.Deployments!.Select(d => d.Id));
        var old = updated.Deployments![1];
        Assert.Equal((DeploymentStatuses.Active, RolloutStates.Completed), (old.Status, old.RolloutState));
        Assert.Equal(TaskDefV2, updated.Deployments[0].TaskDefinition);
    }

    [Fact]
    public void Starting_a_deployment_leaves_inactive_deployments_out()
    {
        var service = Replica(2, Deployment(DepOld), Deployment("ecs-svc/9", status: DeploymentStatuses.Inactive));

        var updated = ServiceRules.StartDeployment(service, DepNew, T0);

        Assert.Equal([DepNew, DepOld], updated.Deployments!.Select(d => d.Id));
    }

    [Theory]
    [InlineData(SchedulingStrategies.Replica, 200, 100)]
    [InlineData(SchedulingStrategies.Daemon, 100, 0)]
    [InlineData(null, 200, 100)]
    public void Default_bounds_follow_the_scheduling_strategy(string? strategy, int maximum, int minimum)
    {
        var effective = ServiceRules.EffectiveDeploymentConfiguration(null, strategy);

        Assert.Equal((maximum, minimum), (effective.MaximumPercent, effective.MinimumHealthyPercent));
        Assert.Equal(new DeploymentCircuitBreaker { Enable = false, Rollback = false }, effective.DeploymentCircuitBreaker);
    }

    [Fact]
    public void Given_values_win_over_defaults()
    {
        var effective = ServiceRules.EffectiveDeploymentConfiguration(new() { MinimumHealthyPercent = 50 }, SchedulingStrategies.Replica);

        Assert.Equal((200, 50), (effective.MaximumPercent, effective.MinimumHealthyPercent));
    }

    [Theory]
    [InlineData(4, 200, 100, 8, 4)]
    [InlineData(4, 200, 50, 8, 2)]
    [InlineData(3, 150, 50, 4, 2)]
    [InlineData(5, 125, 75, 6, 4)]
    [InlineData(1, 100, 50, 1, 1)]
    [InlineData(0, 200, 100, 0, 0)]
    [InlineData(7, 100, 0, 7, 0)]
    public void Bounds_round_maximum_down_and_minimum_up(int desired, int max, int min, int maximumTasks, int minimumHealthy)
    {
        var bounds = DeploymentBounds.For(desired, new() { MaximumPercent = max, MinimumHealthyPercent = min }, SchedulingStrategies.Replica);

        Assert.Equal(new DeploymentBounds(maximumTasks, minimumHealthy), bounds);
    }

    public static TheoryData<int?, int?, string?> InvalidConfigurations() => new()
    {
        { -1, null, SchedulingStrategies.Replica },
        { 101, null, SchedulingStrategies.Replica },
        { null, 99, SchedulingStrategies.Replica },
        { null, 0, SchedulingStrategies.Replica },
        { null, 150, SchedulingStrategies.Daemon },
        { null, 50, SchedulingStrategies.Daemon },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigurations))]
    public void Out_of_range_percentages_are_rejected(int? minimum, int? maximum, string? strategy)
    {
        var configuration = new DeploymentConfiguration { MinimumHealthyPercent = minimum, MaximumPercent = maximum };

        Assert.Throws<InvalidParameterException>(() => ServiceRules.ValidateDeploymentConfiguration(configuration, strategy));
    }

    [Theory]
    [InlineData(0, 100, SchedulingStrategies.Replica)]
    [InlineData(100, 100, SchedulingStrategies.Replica)]
    [InlineData(50, 400, SchedulingStrategies.Replica)]
    [InlineData(50, 100, SchedulingStrategies.Daemon)]
    [InlineData(100, null, SchedulingStrategies.Daemon)]
    public void Valid_percentages_pass(int? minimum, int? maximum, string strategy)
    {
        ServiceRules.ValidateDeploymentConfiguration(new() { MinimumHealthyPercent = minimum, MaximumPercent = maximum }, strategy);
    }

    [Fact]
    public void Daemon_services_take_no_desired_count()
    {
        var request = new CreateServiceRequest { ServiceName = "agent", SchedulingStrategy = SchedulingStrategies.Daemon, DesiredCount = 1 };

        var error = Assert.Throws<InvalidParameterException>(() => ServiceRules.ValidateCreateService(request));
        Assert.Equal("The daemon scheduling strategy does not support a desired count for services.", error.Message);
    }

    [Fact]
    public void Daemon_services_take_no_placement_strategy()
    {
        var request = new CreateServiceRequest { SchedulingStrategy = SchedulingStrategies.Daemon, PlacementStrategy = [new PlacementStrategy { Type = "spread", Field = "instanceId" }] };

        var error = Assert.Throws<InvalidParameterException>(() => ServiceRules.ValidateCreateService(request));
        Assert.Equal("The daemon scheduling strategy does not support placement strategies.", error.Message);
    }

    [Fact]
    public void Daemon_services_do_not_run_on_fargate()
    {
        var request = new CreateServiceRequest { SchedulingStrategy = SchedulingStrategies.Daemon, LaunchType = "FARGATE" };

        Assert.Throws<InvalidParameterException>(() => ServiceRules.ValidateCreateService(request));
    }

    [Fact]
    public void Daemon_maximum_percent_above_100_is_rejected_with_ecs_message()
    {
        var request = new CreateServiceRequest { SchedulingStrategy = SchedulingStrategies.Daemon, DeploymentConfiguration = new() { MaximumPercent = 200 } };

        var error = Assert.Throws<InvalidParameterException>(() => ServiceRules.ValidateCreateService(request));
        Assert.Equal("The daemon scheduling strategy does not support values above 100 for maximumPercent.", error.Message);
    }

    [Fact]
    public void An_unknown_scheduling_strategy_is_rejected()
    {
        Assert.Throws<InvalidParameterException>(() => ServiceRules.ValidateCreateService(new CreateServiceRequest { SchedulingStrategy = "SINGLETON" }));
    }

    [Fact]
    public void A_negative_desired_count_is_rejected()
    {
        Assert.Throws<InvalidParameterException>(() => ServiceRules.ValidateCreateService(new CreateServiceRequest { DesiredCount = -1 }));
    }

    [Fact]
    public void A_replica_service_with_defaults_is_valid()
    {
        ServiceRules.ValidateCreateService(new CreateServiceRequest { ServiceName = "web", DesiredCount = 2 });
    }

    [Fact]
    public void Updating_a_daemon_service_cannot_set_a_desired_count()
    {
        Assert.Throws<InvalidParameterException>(() => ServiceRules.ValidateUpdateService(Daemon(Deployment(DepOld)), new UpdateServiceRequest { DesiredCount = 3 }));
    }

    [Fact]
    public void An_update_is_validated_against_the_merged_configuration()
    {
        var current = Replica(2, Deployment(DepOld)).WithBounds(300, 100);

        ServiceRules.ValidateUpdateService(current, new UpdateServiceRequest { DeploymentConfiguration = new() { MinimumHealthyPercent = 100 } });
        Assert.Throws<InvalidParameterException>(() =>
            ServiceRules.ValidateUpdateService(current, new UpdateServiceRequest { DeploymentConfiguration = new() { MaximumPercent = 50 } }));
    }

    [Fact]
    public void Merging_keeps_members_the_update_leaves_out()
    {
        var current = new DeploymentConfiguration { MaximumPercent = 150, MinimumHealthyPercent = 50, DeploymentCircuitBreaker = new() { Enable = true, Rollback = true } };

        var merged = ServiceRules.MergeDeploymentConfiguration(current, new() { MinimumHealthyPercent = 75 });

        Assert.Equal((150, 75, true), (merged!.MaximumPercent, merged.MinimumHealthyPercent, merged.DeploymentCircuitBreaker!.Rollback));
    }
}
