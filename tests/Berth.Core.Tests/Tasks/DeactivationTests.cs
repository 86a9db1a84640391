using Berth.Core.Ecs;
using Berth.Core.Networking;
using Berth.Core.Services;
using Berth.Core.Tasks;

namespace Berth.Core.Tests.Tasks;

/// <summary>RUNNING → DEACTIVATING → STOPPING for tasks behind a load balancer, and where they are registered.</summary>
public class DeactivationTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static EcsTask Running() => new()
    {
        TaskArn = "arn:aws:ecs:us-east-1:123456789012:task/default/a",
        LastStatus = TaskStatuses.Running,
        DesiredStatus = TaskStatuses.Running,
        Version = 3,
        Containers = [new Container { Name = "web", NetworkBindings = [new NetworkBinding { ContainerPort = 80, HostPort = 32768 }] }],
    };

    [Fact]
    public void Deactivating_a_running_task_keeps_it_running_for_its_agent()
    {
        var task = TaskStateChanges.Deactivate(Running(), "Scaling activity", "ServiceSchedulerInitiated", Now);

        Assert.Equal((TaskStatuses.Deactivating, TaskStatuses.Stopped, "Scaling activity", 4L), (task.LastStatus, task.DesiredStatus, task.StoppedReason, task.Version));
        Assert.Null(task.StoppingAt);
        Assert.Equal(TaskStatuses.Running, TaskStateChanges.ForAgent(task).DesiredStatus);
        Assert.True(TaskStateChanges.CanRequestStop(task));
    }

    [Fact]
    public void Stopping_a_deactivating_task_moves_it_to_stopping_and_tells_the_agent()
    {
        var deactivating = TaskStateChanges.Deactivate(Running(), "Scaling activity", "ServiceSchedulerInitiated", Now);

        var stopping = TaskStateChanges.RequestStop(deactivating, "other", "UserInitiated", Now.AddSeconds(5));

        Assert.Equal((TaskStatuses.Stopping, "Scaling activity", "ServiceSchedulerInitiated", Now.AddSeconds(5)), (stopping.LastStatus, stopping.StoppedReason, stopping.StopCode, stopping.StoppingAt));
        Assert.Equal(TaskStatuses.Stopped, TaskStateChanges.ForAgent(stopping).DesiredStatus);
        Assert.False(TaskStateChanges.CanRequestStop(stopping));
    }

    [Fact]
    public void Deactivating_a_draining_task_again_leaves_it_draining_with_its_first_reason()
    {
        var deactivating = TaskStateChanges.Deactivate(Running(), "done", "UserInitiated", Now);

        var again = TaskStateChanges.Deactivate(deactivating, "Scaling activity", "ServiceSchedulerInitiated", Now.AddSeconds(5));

        Assert.Same(deactivating, again);
        Assert.Equal((TaskStatuses.Deactivating, "done", "UserInitiated"), (again.LastStatus, again.StoppedReason, again.StopCode));
    }

    [Fact]
    public void A_task_that_is_not_running_is_simply_asked_to_stop()
    {
        var task = TaskStateChanges.Deactivate(Running() with { LastStatus = TaskStatuses.Pending }, "Scaling activity", "ServiceSchedulerInitiated", Now);

        Assert.Equal((TaskStatuses.Pending, TaskStatuses.Stopped), (task.LastStatus, task.DesiredStatus));
    }

    [Fact]
    public void The_agent_reporting_running_does_not_undo_deactivation()
    {
        var deactivating = TaskStateChanges.Deactivate(Running(), "Scaling activity", "ServiceSchedulerInitiated", Now);
        var report = new Agent.AgentTaskReport { ContainerInstanceArn = "i", TaskArn = deactivating.TaskArn!, LastStatus = TaskStatuses.Running, Containers = [] };

        Assert.Equal(TaskStatuses.Deactivating, TaskStateChanges.ApplyReport(deactivating, report, Now).LastStatus);
    }

    [Fact]
    public void A_bridge_task_is_an_instance_target_at_its_host_port()
    {
        var balancer = new LoadBalancer { TargetGroupArn = "tg", ContainerName = "web", ContainerPort = 80 };

        Assert.Equal(("i-0abc", 32768), TaskTargetAddress.Of(Running(), balancer, "i-0abc"));
        Assert.Null(TaskTargetAddress.Of(Running(), balancer with { ContainerName = "other" }, "i-0abc"));
        Assert.Null(TaskTargetAddress.Of(Running() with { Containers = [new Container { Name = "web" }] }, balancer, "i-0abc"));
    }

    [Fact]
    public void An_awsvpc_task_is_an_ip_target_at_its_container_port()
    {
        var subnet = NetworkRegistry.Default.Subnets[0];
        Assert.True(Ipv4Cidr.TryParse("10.200.1.7/32", out var cidr));
        var task = EniAttachment.Attach(Running(), EniAttachment.Create("att", "eni-1", subnet, cidr.Network, "us-east-1"));
        var balancer = new LoadBalancer { TargetGroupArn = "tg", ContainerName = "web", ContainerPort = 80 };

        var address = TaskTargetAddress.Of(task, balancer, "i-0abc");

        Assert.Equal(("10.200.1.7", 80), address);
    }
}
