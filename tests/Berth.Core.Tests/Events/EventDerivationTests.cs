using System.Text;
using System.Text.Json;
using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Core.Events;
using Berth.Core.Services;
using Berth.Core.State;

namespace Berth.Core.Tests.Events;

public class EventDerivationTests
{
    private const string ClusterArn = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod";
    private const string TaskArn = "arn:aws:ecs:eu-west-1:123456789012:task/prod/0123456789abcdef";
    private const string ServiceArn = "arn:aws:ecs:eu-west-1:123456789012:service/prod/web";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static EcsTask Task(string lastStatus, string desiredStatus) => new()
    {
        TaskArn = TaskArn,
        ClusterArn = ClusterArn,
        LastStatus = lastStatus,
        DesiredStatus = desiredStatus,
        Tags = [new Tag { Key = "team", Value = "a" }],
    };

    private static Service Service(IReadOnlyList<ServiceEvent>? events = null, IReadOnlyList<Deployment>? deployments = null) => new()
    {
        ServiceArn = ServiceArn,
        ClusterArn = ClusterArn,
        ServiceName = "web",
        Events = events,
        Deployments = deployments,
    };

    private static ServiceEvent Event(string id, string message) => new() { Id = id, CreatedAt = Now, Message = message };

    private static Deployment Deployment(string id, string rolloutState, string? reason = null) =>
        new() { Id = id, RolloutState = rolloutState, RolloutStateReason = reason, UpdatedAt = Now };

    /// <summary>The task's event from its stored JSON, as the event recording store derives it at each commit.</summary>
    private static IReadOnlyList<EcsEvent> ForTask(TaskStatusPair? previous, EcsTask task, DateTimeOffset now) =>
        EventDerivation.ForTask(previous, JsonSerializer.SerializeToUtf8Bytes(task, StateJsonContext.Default.EcsTask), now);

    private static JsonElement Detail(EcsEvent e) => JsonElement.Parse(e.Detail.Span);

    public static TheoryData<string> DescribedTasks => ["plain", "tagged", "empty tags", "fargate", "escaped"];

    private static EcsTask DescribedTask(string name) => name switch
    {
        "plain" => Task("PENDING", "RUNNING") with { Tags = null, Containers = [new Container { Name = "web", LastStatus = "PENDING" }] },
        "tagged" => Task("PENDING", "RUNNING") with { ContainerInstanceArn = "arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/abc" },
        "empty tags" => Task("PENDING", "RUNNING") with { Tags = [] },
        "fargate" => Task("PENDING", "RUNNING") with { ContainerInstanceArn = "arn:aws:ecs:eu-west-1:123456789012:container-instance/~fargate/abc" },
        "escaped" => Task("PENDING", "RUNNING") with { Group = "family:<web & \"api\"> é", CreatedAt = Now, StartedBy = "ecs-svc/é" },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(DescribedTasks))]
    public void A_task_state_changes_detail_is_byte_for_byte_the_task_as_described_without_tags(string name)
    {
        var task = DescribedTask(name);

        var e = Assert.Single(ForTask(null, task, Now));

        var described = JsonSerializer.Serialize(ManagedCapacity.AsReported(task with { Tags = null }), EcsJsonContext.Default.EcsTask);
        Assert.Equal(described, Encoding.UTF8.GetString(e.Detail.Span));
    }

    [Theory]
    [MemberData(nameof(DescribedTasks))]
    public void The_envelope_holds_the_detail_as_a_document_of_it_would_write_it(string name)
    {
        var e = Assert.Single(ForTask(null, DescribedTask(name), Now));

        using var envelope = JsonDocument.Parse(EventEnvelope.ToUtf8(e));
        using var rewritten = new MemoryStream();
        using (var writer = new Utf8JsonWriter(rewritten))
        {
            Detail(e).WriteTo(writer);
        }
        Assert.Equal(Encoding.UTF8.GetString(rewritten.ToArray()), envelope.RootElement.GetProperty("detail").GetRawText());
    }

    [Fact]
    public void A_new_task_is_a_task_state_change_with_the_task_as_described_without_tags()
    {
        var e = Assert.Single(ForTask(null, Task("PENDING", "RUNNING"), Now));

        Assert.Equal(EcsEventTypes.TaskStateChange, e.DetailType);
        Assert.Equal(ClusterArn, e.ClusterArn);
        Assert.Equal([TaskArn], e.Resources);
        Assert.Equal(Now, e.Time);
        Assert.Equal("PENDING", Detail(e).GetProperty("lastStatus").GetString());
        Assert.Equal("RUNNING", Detail(e).GetProperty("desiredStatus").GetString());
        Assert.Equal(TaskArn, Detail(e).GetProperty("taskArn").GetString());
        Assert.False(Detail(e).TryGetProperty("tags", out _));
    }

    [Theory]
    [InlineData("PENDING", "RUNNING", "RUNNING", "RUNNING")]
    [InlineData("RUNNING", "RUNNING", "RUNNING", "STOPPED")]
    [InlineData("DEACTIVATING", "STOPPED", "STOPPED", "STOPPED")]
    public void A_move_of_last_or_desired_status_is_one_change(string lastBefore, string desiredBefore, string lastAfter, string desiredAfter)
    {
        var e = Assert.Single(ForTask(new TaskStatusPair(lastBefore, desiredBefore), Task(lastAfter, desiredAfter), Now));

        Assert.Equal(lastAfter, Detail(e).GetProperty("lastStatus").GetString());
        Assert.Equal(desiredAfter, Detail(e).GetProperty("desiredStatus").GetString());
    }

    [Fact]
    public void A_task_update_that_keeps_both_statuses_is_no_event()
    {
        var before = Task("RUNNING", "RUNNING");

        Assert.Empty(ForTask(new TaskStatusPair("RUNNING", "RUNNING"), before with { HealthStatus = "HEALTHY" }, Now));
    }

    [Fact]
    public void A_stored_tasks_statuses_read_alone_are_the_tasks_own_not_its_containers()
    {
        string?[] statuses = [null, "PENDING", "RUNNING", "STOPPED"];
        foreach (var last in statuses)
        {
            foreach (var desired in statuses)
            {
                var task = Task("PENDING", "RUNNING") with
                {
                    LastStatus = last,
                    DesiredStatus = desired,
                    Containers = [new Container { Name = "web", LastStatus = "DEACTIVATING" }],
                };

                Assert.Equal(new TaskStatusPair(last, desired), TaskStatusPair.OfTaskJson(JsonSerializer.SerializeToUtf8Bytes(task, StateJsonContext.Default.EcsTask)));
            }
        }
    }

    [Fact]
    public void A_fargate_task_does_not_show_the_managed_instance_it_runs_on()
    {
        var onPool = Task("RUNNING", "RUNNING") with
        {
            ContainerInstanceArn = "arn:aws:ecs:eu-west-1:123456789012:container-instance/~fargate/abc",
        };

        var e = Assert.Single(ForTask(null, onPool, Now));

        Assert.False(Detail(e).TryGetProperty("containerInstanceArn", out _));
    }

    [Fact]
    public void Only_the_service_events_a_commit_added_are_emitted_oldest_first()
    {
        var old = Event("e1", "(service web) has reached a steady state.");
        var before = Service(events: [old]);
        var after = Service(events: [Event("e3", "(service web) has reached a steady state."), Event("e2", "(service web) has started 1 tasks: (task abc)."), old]);

        var events = EventDerivation.ForService(before, after, Now);

        Assert.Equal(["e2", "e3"], events.Select(e => Detail(e).GetProperty("id").GetString()));
        var started = events[0];
        Assert.Equal(EcsEventTypes.ServiceEvent, started.DetailType);
        Assert.Equal([ServiceArn], started.Resources);
        Assert.Equal(ClusterArn, Detail(started).GetProperty("clusterArn").GetString());
        Assert.Equal(ServiceArn, Detail(started).GetProperty("serviceArn").GetString());
        Assert.Equal("(service web) has started 1 tasks: (task abc).", Detail(started).GetProperty("message").GetString());
        Assert.Equal(1_800_000_000, Detail(started).GetProperty("createdAt").GetDouble());
    }

    [Fact]
    public void A_service_written_again_without_new_events_or_rollout_changes_is_no_event()
    {
        var service = Service(events: [Event("e1", "m")], deployments: [Deployment("ecs-svc/1", "COMPLETED")]);

        Assert.Empty(EventDerivation.ForService(service, service with { RunningCount = 3 }, Now));
    }

    [Fact]
    public void A_new_service_reports_its_first_deployment_in_progress()
    {
        var e = Assert.Single(EventDerivation.ForService(null, Service(deployments: [Deployment("ecs-svc/1", "IN_PROGRESS")]), Now));

        Assert.Equal(EcsEventTypes.DeploymentStateChange, e.DetailType);
        Assert.Equal("INFO", Detail(e).GetProperty("eventType").GetString());
        Assert.Equal("SERVICE_DEPLOYMENT_IN_PROGRESS", Detail(e).GetProperty("eventName").GetString());
        Assert.Equal("ecs-svc/1", Detail(e).GetProperty("deploymentId").GetString());
    }

    [Fact]
    public void A_rollback_reports_the_failed_deployment_before_the_new_one()
    {
        var before = Service(deployments: [Deployment("ecs-svc/2", "IN_PROGRESS"), Deployment("ecs-svc/1", "COMPLETED")]);
        var after = Service(deployments: [Deployment("ecs-svc/3", "IN_PROGRESS"), Deployment("ecs-svc/2", "FAILED", "tasks failed to start"), Deployment("ecs-svc/1", "COMPLETED")]);

        var events = EventDerivation.ForService(before, after, Now);

        Assert.Equal(["SERVICE_DEPLOYMENT_FAILED", "SERVICE_DEPLOYMENT_IN_PROGRESS"], events.Select(e => Detail(e).GetProperty("eventName").GetString()));
        Assert.Equal("ERROR", Detail(events[0]).GetProperty("eventType").GetString());
        Assert.Equal("tasks failed to start", Detail(events[0]).GetProperty("reason").GetString());
    }

    [Fact]
    public void The_envelope_is_one_line_with_eventbridges_members_and_the_region_and_account_of_the_cluster()
    {
        var e = Assert.Single(ForTask(null, Task("PENDING", "RUNNING"), Now.AddMilliseconds(250)));

        var json = Encoding.UTF8.GetString(EventEnvelope.ToUtf8(e));

        Assert.DoesNotContain('\n', json);
        using var envelope = JsonDocument.Parse(json);
        var root = envelope.RootElement;
        Assert.Equal(["version", "detail-type", "source", "account", "time", "region", "resources", "detail"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("0", root.GetProperty("version").GetString());
        Assert.Equal(EcsEventTypes.TaskStateChange, root.GetProperty("detail-type").GetString());
        Assert.Equal("aws.ecs", root.GetProperty("source").GetString());
        Assert.Equal("123456789012", root.GetProperty("account").GetString());
        Assert.Equal("eu-west-1", root.GetProperty("region").GetString());
        Assert.Equal("2027-01-15T08:00:00.250Z", root.GetProperty("time").GetString());
        Assert.Equal(TaskArn, root.GetProperty("resources")[0].GetString());
        Assert.Equal("PENDING", root.GetProperty("detail").GetProperty("lastStatus").GetString());
    }

    [Fact]
    public void A_pause_hook_that_starts_waiting_is_a_hook_state_change_named_HOOK_AWAITING_ACTION()
    {
        const string green = "ecs-svc/2";
        const string serviceDeployment = "arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/abc";
        var waiting = new PauseHookRun("ecs-pause-x", 0, "POST_SCALE_UP", PauseHooks.AwaitingAction, Now.AddMinutes(10), PauseHooks.Rollback);
        var shift = new TrafficShiftState(green, "POST_SCALE_UP", Now, 0, null);
        var links = new[] { new DeploymentLink(green, serviceDeployment, "arn:aws:ecs:eu-west-1:123456789012:service-revision/prod/web/2") };
        var before = new ServiceRecord(Service(), new SchedulerState { Shift = shift, Links = links });
        var after = before with { Scheduler = before.Scheduler with { Shift = shift with { Hooks = [waiting] } } };

        var e = Assert.Single(EventDerivation.ForService(before, after, Now));

        Assert.Equal(EcsEventTypes.HookStateChange, e.DetailType);
        Assert.Equal([ServiceArn], e.Resources);
        Assert.Equal("HOOK_AWAITING_ACTION", Detail(e).GetProperty("eventName").GetString());
        Assert.Equal("ecs-pause-x", Detail(e).GetProperty("hookId").GetString());
        Assert.Equal("POST_SCALE_UP", Detail(e).GetProperty("lifecycleStage").GetString());
        Assert.Equal(green, Detail(e).GetProperty("deploymentId").GetString());
        Assert.Equal(serviceDeployment, Detail(e).GetProperty("serviceDeploymentArn").GetString());
        Assert.Equal("ROLLBACK", Detail(e).GetProperty("timeoutAction").GetString());
        // Still waiting in the next commit, or answered: no second event.
        Assert.Empty(EventDerivation.ForService(after, after with { Service = after.Service with { RunningCount = 2 } }, Now));
        var answered = after with { Scheduler = after.Scheduler with { Shift = shift with { Hooks = [waiting with { Status = PauseHooks.Succeeded }] } } };
        Assert.Empty(EventDerivation.ForService(after, answered, Now));
    }
}
