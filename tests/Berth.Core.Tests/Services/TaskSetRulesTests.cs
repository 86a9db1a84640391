using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class TaskSetRulesTests
{
    private const string Blue = "ecs-svc/3333333333333333333";
    private const string Green = "ecs-svc/4444444444444444444";

    private static Service External(int desired = 4) =>
        Replica(desired) with { DeploymentController = new DeploymentController { Type = "EXTERNAL" }, Deployments = [], TaskSets = [], TaskDefinition = null };

    private static Service WithSet(Service service, string id, double scale = 100) =>
        TaskSetRules.Added(service, TaskSetRules.New(service, new CreateTaskSetRequest { Scale = new Scale { Value = scale, Unit = "PERCENT" }, ExternalId = id },
            new TaskSetRules.Launch(TaskDefV1, "EC2", null, null), id, T0));

    [Theory]
    [InlineData(4, 100, 4)]
    [InlineData(4, 50, 2)]
    [InlineData(4, 0, 0)]
    [InlineData(6, 20, 2)] // 1.2 rounds up to 2, as the API reference's example says
    [InlineData(3, 33.333333333, 1)]
    [InlineData(1, 0.1, 1)]
    [InlineData(0, 100, 0)]
    public void The_computed_desired_count_is_the_scale_of_the_service_desired_count_rounded_up(int desired, double percent, int expected) =>
        Assert.Equal(expected, TaskSetRules.ComputedDesiredCount(desired, new Scale { Value = percent, Unit = "PERCENT" }));

    [Theory]
    [InlineData(-1, "PERCENT")]
    [InlineData(100.5, "PERCENT")]
    [InlineData(50, "COUNT")]
    public void A_scale_outside_0_to_100_percent_is_refused(double value, string unit) =>
        Assert.Throws<InvalidParameterException>(() => TaskSetRules.ScaleOf(new Scale { Value = value, Unit = unit }));

    [Fact]
    public void A_new_task_set_is_active_and_stabilizing_with_its_arn_beside_the_service()
    {
        var service = WithSet(External(), Blue, 50);
        var taskSet = service.TaskSets!.Single();

        Assert.Equal("arn:aws:ecs:us-east-1:123456789012:task-set/default/web/" + Blue, taskSet.TaskSetArn);
        Assert.Equal((TaskSetRules.Active, TaskSetRules.Stabilizing, 2), (taskSet.Status, taskSet.StabilityStatus, taskSet.ComputedDesiredCount));
        Assert.Equal(new Scale { Value = 50, Unit = "PERCENT" }, taskSet.Scale);
    }

    [Fact]
    public void Task_sets_are_refused_on_a_service_of_the_ECS_controller()
    {
        var error = Assert.Throws<InvalidParameterException>(() => TaskSetRules.Added(Replica(1), TaskSetRules.New(Replica(1), new CreateTaskSetRequest(),
            new TaskSetRules.Launch(TaskDefV1, "EC2", null, null), Blue, T0)));

        Assert.Equal(TaskSetRules.NotExternalMessage, error.Message);
    }

    [Fact]
    public void A_sixth_task_set_exceeds_the_quota()
    {
        var service = External();
        for (var i = 0; i < 5; i++)
        {
            service = WithSet(service, $"ecs-svc/500000000000000000{i}");
        }

        var error = Assert.Throws<InvalidParameterException>(() => WithSet(service, Blue));
        Assert.StartsWith("5 deployments exist on the service.", error.Message);
    }

    [Fact]
    public void Making_a_task_set_primary_demotes_the_old_primary_and_shows_its_settings_on_the_service()
    {
        var service = WithSet(WithSet(External(), Blue), Green) with { };
        service = TaskSetRules.WithPrimary(service, Blue, T0).Service;
        var (after, green) = TaskSetRules.WithPrimary(service, "arn:aws:ecs:us-east-1:123456789012:task-set/default/web/" + Green, T0.AddMinutes(1));

        Assert.Equal(TaskSetRules.Primary, green.Status);
        Assert.Equal(TaskSetRules.Active, after.TaskSets!.Single(s => s.Id == Blue).Status);
        Assert.Equal((TaskDefV1, "EC2"), (after.TaskDefinition, after.LaunchType));
    }

    [Fact]
    public void Rescaling_changes_the_computed_desired_count()
    {
        var (_, taskSet) = TaskSetRules.Rescaled(WithSet(External(4), Blue, 0), Blue, new Scale { Value = 75, Unit = "PERCENT" }, T0);

        Assert.Equal(3, taskSet.ComputedDesiredCount);
    }

    [Fact]
    public void An_unknown_task_set_is_not_found() =>
        Assert.Throws<TaskSetNotFoundException>(() => TaskSetRules.Rescaled(External(), Blue, new Scale { Value = 1, Unit = "PERCENT" }, T0));

    [Fact]
    public void Deleting_a_task_set_still_scaled_above_zero_needs_force()
    {
        var service = WithSet(External(), Blue, 10);

        Assert.Throws<InvalidParameterException>(() => TaskSetRules.Deleted(service, Blue, force: false, T0));
        var (_, draining) = TaskSetRules.Deleted(service, Blue, force: true, T0);
        Assert.Equal((TaskSetRules.Draining, 0), (draining.Status, draining.ComputedDesiredCount));
    }

    [Fact]
    public void A_draining_task_set_can_be_neither_rescaled_nor_made_primary()
    {
        var service = TaskSetRules.Deleted(WithSet(External(), Blue, 0), Blue, force: false, T0).Service;

        Assert.Throws<InvalidParameterException>(() => TaskSetRules.Rescaled(service, Blue, new Scale { Value = 1, Unit = "PERCENT" }, T0));
        Assert.Throws<InvalidParameterException>(() => TaskSetRules.WithPrimary(service, Blue, T0));
    }

    [Fact]
    public void A_client_token_returns_the_task_set_it_created()
    {
        var service = WithSet(External(), Blue);
        var state = TaskSetRules.Remember(new SchedulerState(), service, "token-1", Blue);

        Assert.Equal(Blue, TaskSetRules.Created(service, state, "token-1")?.Id);
        Assert.Null(TaskSetRules.Created(service, state, "token-2"));
    }

    [Theory]
    [InlineData("taskDefinition")]
    [InlineData("loadBalancers")]
    [InlineData("launchType")]
    [InlineData("DAEMON")]
    public void An_external_service_refuses_what_belongs_to_its_task_sets(string given)
    {
        var request = new CreateServiceRequest { ServiceName = "web", DeploymentController = new DeploymentController { Type = "EXTERNAL" } };
        request = given switch
        {
            "taskDefinition" => request with { TaskDefinition = "web:1" },
            "loadBalancers" => request with { LoadBalancers = [new LoadBalancer { TargetGroupArn = "tg" }] },
            "launchType" => request with { LaunchType = "EC2" },
            _ => request with { SchedulingStrategy = SchedulingStrategies.Daemon },
        };

        Assert.Throws<InvalidParameterException>(() => ServiceFactory.ValidateRequest(request));
    }

    [Theory]
    [InlineData("taskDefinition")]
    [InlineData("forceNewDeployment")]
    [InlineData("networkConfiguration")]
    public void UpdateService_of_an_external_service_refuses_task_set_settings(string given)
    {
        var request = given switch
        {
            "taskDefinition" => new UpdateServiceRequest { TaskDefinition = "web:2" },
            "forceNewDeployment" => new UpdateServiceRequest { ForceNewDeployment = true },
            _ => new UpdateServiceRequest { NetworkConfiguration = new NetworkConfiguration() },
        };

        Assert.Throws<InvalidParameterException>(() => ServiceUpdate.Apply(External(), request, null, DepNew, T0));
    }

    [Fact]
    public void UpdateService_desired_count_rescales_the_task_sets()
    {
        var updated = ServiceUpdate.Apply(WithSet(External(4), Blue, 50), new UpdateServiceRequest { DesiredCount = 10 }, null, DepNew, T0);

        Assert.Equal(5, updated.TaskSets!.Single().ComputedDesiredCount);
        Assert.Empty(updated.Deployments!);
    }

    [Fact]
    public void A_service_cannot_move_to_another_deployment_controller() =>
        Assert.Throws<UnsupportedFeatureException>(() => ServiceUpdate.Apply(
            Replica(1, Deployment(DepOld)), new UpdateServiceRequest { DeploymentController = new DeploymentController { Type = "EXTERNAL" } }, null, DepNew, T0));

    [Theory]
    [InlineData("arn:aws:ecs:us-east-1:123456789012:task-set/default/web/ecs-svc/3333333333333333333", "arn:aws:ecs:us-east-1:123456789012:service/default/web")]
    [InlineData("arn:aws:ecs:us-east-1:123456789012:task-set/default/web", null)]
    [InlineData("arn:aws:ecs:us-east-1:123456789012:task-set/default//ecs-svc/1", null)]
    [InlineData("arn:aws:ecs:us-east-1:123456789012:service/default/web/ecs-svc/1", null)]
    public void A_task_set_arn_names_its_service(string taskSetArn, string? serviceArn)
    {
        Assert.True(EcsArn.TryParse(taskSetArn, out var arn));

        Assert.Equal(serviceArn, TaskSetRules.ServiceArnOf(arn));
    }

    [Fact]
    public void Retagging_a_task_set_changes_only_its_tags()
    {
        var service = WithSet(WithSet(External(), Blue), Green);
        var blue = TaskSetRules.Find(service, Blue)!;

        var retagged = TaskSetRules.Retagged(service, blue, tags => [.. tags ?? [], new Tag { Key = "colour", Value = "blue" }]);

        Assert.Equal([("colour", "blue")], TaskSetRules.Find(retagged, Blue)!.Tags!.Select(t => (t.Key, t.Value)));
        Assert.Empty(TaskSetRules.Find(retagged, Green)!.Tags!);
        Assert.Equal(TaskSetRules.Find(service, Green), TaskSetRules.Find(retagged, Green));
    }
}
