using Berth.Core.Ecs;
using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class TaskSetSchedulingTests
{
    private const string Blue = "ecs-svc/3333333333333333333";
    private const string Green = "ecs-svc/4444444444444444444";

    private static TaskSet Set(string id, double scale, string status = TaskSetRules.Active, string taskDefinition = TaskDefV1) => new()
    {
        Id = id,
        TaskSetArn = "arn:aws:ecs:us-east-1:123456789012:task-set/default/web/" + id,
        Status = status,
        TaskDefinition = taskDefinition,
        Scale = new Scale { Value = scale, Unit = "PERCENT" },
        StabilityStatus = TaskSetRules.Stabilizing,
        StabilityStatusAt = LongAgo,
        CreatedAt = LongAgo,
        UpdatedAt = LongAgo,
    };

    private static Service External(int desired, params TaskSet[] sets) =>
        Replica(desired) with { DeploymentController = new DeploymentController { Type = "EXTERNAL" }, Deployments = [], TaskSets = sets };

    private static TaskSet SetOf(ServicePlan plan, string id) => plan.Service.TaskSets!.Single(s => s.Id == id);

    [Fact]
    public void Each_task_set_starts_its_computed_desired_count_of_its_own_task_definition()
    {
        var plan = Plan(Snapshot(External(4, Set(Blue, 100), Set(Green, 50, taskDefinition: TaskDefV2))));

        Assert.Equal([(Blue, TaskDefV1, 4), (Green, TaskDefV2, 2)], plan.Starts.Select(s => (s.DeploymentId, s.TaskDefinitionArn, s.Count)));
        Assert.Equal((4, 2), (SetOf(plan, Blue).ComputedDesiredCount, SetOf(plan, Green).ComputedDesiredCount));
    }

    [Fact]
    public void A_task_set_scaled_down_stops_its_surplus_whatever_minimum_healthy_percent_says()
    {
        var service = External(2, Set(Blue, 0), Set(Green, 100)).WithBounds(200, 100);
        var plan = Plan(Snapshot(service, [.. RunningTasks(2, Blue, "b"), .. RunningTasks(2, Green, "g")]));

        Assert.Equal(["b1", "b2"], plan.StoppedIds());
        Assert.Empty(plan.Starts);
    }

    [Fact]
    public void The_service_counts_are_the_sum_of_its_task_sets()
    {
        var plan = Plan(Snapshot(External(2, Set(Blue, 100), Set(Green, 100)), [.. RunningTasks(2, Blue, "b"), Running("g1", Green), Pending("g2", Green)]));

        Assert.Equal((3, 1), (plan.Service.RunningCount, plan.Service.PendingCount));
        Assert.Equal((1, 1), (SetOf(plan, Green).RunningCount, SetOf(plan, Green).PendingCount));
        Assert.Empty(plan.Service.Deployments!);
    }

    [Fact]
    public void A_task_set_with_its_count_of_healthy_tasks_reaches_steady_state()
    {
        var plan = Plan(Snapshot(External(2, Set(Blue, 100)), RunningTasks(2, Blue, "b")));

        var blue = SetOf(plan, Blue);
        Assert.Equal((TaskSetRules.SteadyState, T0), (blue.StabilityStatus, blue.StabilityStatusAt));
        Assert.Contains(plan.Messages(), m => m == "(service web) has reached a steady state.");
    }

    [Fact]
    public void A_task_set_short_of_tasks_is_stabilizing()
    {
        var plan = Plan(Snapshot(External(2, Set(Blue, 100) with { StabilityStatus = TaskSetRules.SteadyState }), RunningTasks(1, Blue, "b")));

        Assert.Equal(TaskSetRules.Stabilizing, SetOf(plan, Blue).StabilityStatus);
        Assert.Equal(1, plan.Started());
    }

    [Fact]
    public void A_draining_task_set_stops_its_tasks_and_is_gone_once_they_stopped()
    {
        var draining = Set(Blue, 100, TaskSetRules.Draining);
        var first = Plan(Snapshot(External(2, draining), RunningTasks(2, Blue, "b")));
        var later = Plan(Snapshot(External(2, draining), [Exited("b1", Blue), Exited("b2", Blue)]));

        Assert.Equal(["b1", "b2"], first.StoppedIds());
        Assert.Equal(TaskSetRules.Draining, SetOf(first, Blue).Status);
        Assert.Empty(later.Service.TaskSets!);
    }

    [Fact]
    public void A_stopped_task_of_a_task_set_is_replaced()
    {
        var plan = Plan(Snapshot(External(2, Set(Blue, 100)), [Running("b1", Blue), Exited("b2", Blue)]));

        Assert.Equal([(Blue, 1)], plan.Starts.Select(s => (s.DeploymentId, s.Count)));
    }

    [Fact]
    public void A_task_of_no_task_set_is_stopped()
    {
        var plan = Plan(Snapshot(External(1, Set(Blue, 100)), [Running("b1", Blue), Running("x", DepOld)]));

        Assert.Equal(["x"], plan.StoppedIds());
    }

    [Fact]
    public void Deleting_an_external_service_drains_every_task_set()
    {
        var service = External(0, Set(Blue, 100), Set(Green, 0)) with { Status = ServiceStatuses.Draining };
        var plan = Plan(Snapshot(service, RunningTasks(2, Blue, "b")));

        Assert.Equal(["b1", "b2"], plan.StoppedIds());
        Assert.Equal([TaskSetRules.Draining], plan.Service.TaskSets!.Select(s => s.Status));
    }

    [Fact]
    public void A_protected_task_is_passed_over_when_a_task_set_scales_in()
    {
        var plan = Plan(Snapshot(External(2, Set(Blue, 50)), [Running("b1", Blue) with { ProtectedUntil = T0.AddHours(1) }, Running("b2", Blue)]));

        Assert.Equal(["b2"], plan.StoppedIds());
    }
}
