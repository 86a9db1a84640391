using Berth.Core.Agent;
using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Exec;
using Berth.Core.Tasks;

namespace Berth.Core.Tests.Exec;

public class ExecuteCommandRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static Container Container(string name, string agentStatus) => new()
    {
        Name = name,
        LastStatus = agentStatus,
        ManagedAgents = [new ManagedAgent { Name = ExecuteCommandAgent.Name, LastStatus = agentStatus }],
    };

    private static EcsTask Task(bool enabled, params Container[] containers) => new()
    {
        TaskArn = "arn:aws:ecs:us-east-1:000000000000:task/default/abc",
        LastStatus = TaskStatuses.Running,
        DesiredStatus = TaskStatuses.Running,
        EnableExecuteCommand = enabled,
        Containers = containers,
    };

    [Fact]
    public void The_request_needs_a_task_a_command_and_interactive_true()
    {
        Assert.Equal(["sh", "-c", "id"], ExecuteCommandRules.ValidateRequest(new ExecuteCommandRequest { Task = "t", Command = "sh -c id", Interactive = true }));
        Assert.Throws<InvalidParameterException>(() => ExecuteCommandRules.ValidateRequest(new ExecuteCommandRequest { Command = "sh", Interactive = true }));
        Assert.Throws<InvalidParameterException>(() => ExecuteCommandRules.ValidateRequest(new ExecuteCommandRequest { Task = "t", Interactive = true }));
        Assert.Throws<InvalidParameterException>(() => ExecuteCommandRules.ValidateRequest(new ExecuteCommandRequest { Task = "t", Command = new string('a', 4097), Interactive = true }));
        var batch = Assert.Throws<InvalidParameterException>(() => ExecuteCommandRules.ValidateRequest(new ExecuteCommandRequest { Task = "t", Command = "sh", Interactive = false }));
        Assert.Equal("Interactive is the only mode supported currently.", batch.Message);
    }

    [Fact]
    public void The_only_container_is_chosen_when_none_is_named()
    {
        Assert.Equal("web", ExecuteCommandRules.ContainerFor(Task(true, Container("web", TaskStatuses.Running)), null).Name);
        Assert.Equal("side", ExecuteCommandRules.ContainerFor(Task(true, Container("web", TaskStatuses.Running), Container("side", TaskStatuses.Running)), "side").Name);
        Assert.Throws<InvalidParameterException>(() => ExecuteCommandRules.ContainerFor(Task(true, Container("web", TaskStatuses.Running), Container("side", TaskStatuses.Running)), null));
        Assert.Throws<InvalidParameterException>(() => ExecuteCommandRules.ContainerFor(Task(true, Container("web", TaskStatuses.Running)), "nope"));
    }

    [Fact]
    public void A_task_without_execute_command_or_whose_agent_does_not_run_is_refused_with_ecs_words()
    {
        foreach (var task in new[]
        {
            Task(false, Container("web", TaskStatuses.Running)),
            Task(true, Container("web", TaskStatuses.Pending)),
            Task(true, Container("web", TaskStatuses.Running)) with { LastStatus = TaskStatuses.Pending },
            Task(true, Container("web", TaskStatuses.Running)) with { DesiredStatus = TaskStatuses.Stopped },
        })
        {
            var refused = Assert.Throws<InvalidParameterException>(() => ExecuteCommandRules.ContainerFor(task, "web"));
            Assert.Equal(ExecuteCommandRules.NotEnabledMessage, refused.Message);
        }
    }

    [Fact]
    public void The_execute_command_agent_is_pending_then_follows_its_container()
    {
        var task = EcsTaskFactory.Create(
            new TaskLaunch(new TaskDefinition { TaskDefinitionArn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1", ContainerDefinitions = [new ContainerDefinition { Name = "web" }] },
                null, null, "family:web", [], "EC2", EnableExecuteCommand: true),
            new ResourceScope("us-east-1", "000000000000"), "default", "abc", "arn:aws:ecs:us-east-1:000000000000:container-instance/default/i", null, Now);
        Assert.True(task.EnableExecuteCommand);
        Assert.Equal(TaskStatuses.Pending, task.Containers![0].ManagedAgents![0].LastStatus);

        var running = TaskStateChanges.ApplyReport(task, Report(task, TaskStatuses.Running), Now);
        var agent = running.Containers![0].ManagedAgents![0];
        Assert.Equal((ExecuteCommandAgent.Name, TaskStatuses.Running, Now), (agent.Name, agent.LastStatus, agent.LastStartedAt));

        var stopped = TaskStateChanges.ApplyReport(running, Report(task, TaskStatuses.Stopped), Now.AddMinutes(1));
        Assert.Equal((TaskStatuses.Stopped, Now), (stopped.Containers![0].ManagedAgents![0].LastStatus, stopped.Containers![0].ManagedAgents![0].LastStartedAt));
        Assert.Equal(TaskStatuses.Stopped, TaskStateChanges.MarkLost(running, "gone", Now).Containers![0].ManagedAgents![0].LastStatus);
    }

    [Fact]
    public void A_task_without_execute_command_has_no_managed_agents() =>
        Assert.Null(EcsTaskFactory.Create(
            new TaskLaunch(new TaskDefinition { ContainerDefinitions = [new ContainerDefinition { Name = "web" }] }, null, null, "family:web", [], "EC2"),
            new ResourceScope("us-east-1", "000000000000"), "default", "abc", "i", null, Now).Containers![0].ManagedAgents);

    private static AgentTaskReport Report(EcsTask task, string status) => new()
    {
        ContainerInstanceArn = task.ContainerInstanceArn!,
        TaskArn = task.TaskArn!,
        LastStatus = status,
        Containers = [new ContainerReport { Name = "web", LastStatus = status }],
    };
}
