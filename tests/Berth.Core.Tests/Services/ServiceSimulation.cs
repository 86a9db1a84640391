using Berth.Core.Ecs;
using Berth.Core.Services;
using Berth.Core.Tasks;

namespace Berth.Core.Tests.Services;

/// <summary>
/// A tiny cluster that applies plans the way the controller and agents would: requested tasks appear PENDING,
/// PENDING tasks become RUNNING (and HEALTHY when they have a health check) on the next step — or fail to start
/// if their task definition is broken — and stops take effect at once. Time moves by <see cref="Step"/>.
/// </summary>
internal sealed class ServiceSimulation
{
    private readonly List<ServiceTask> _tasks;
    private readonly HashSet<string> _brokenTaskDefinitions = new(StringComparer.Ordinal);
    private int _nextTask;
    private int _nextInstance;

    public ServiceSimulation(Service service, IEnumerable<ServiceTask> tasks, IEnumerable<ServiceInstance>? instances = null, bool healthChecks = false)
    {
        Service = service;
        _tasks = [.. tasks];
        Instances = [.. instances ?? []];
        HealthChecks = healthChecks;
        State = new SchedulerState { AnnouncedTasks = [.. _tasks.Select(t => t.TaskArn)], StartFailuresDeploymentId = service.Deployments?[0].Id };
    }

    public Service Service { get; private set; }
    public SchedulerState State { get; private set; }
    public List<ServiceInstance> Instances { get; }
    public bool HealthChecks { get; }
    public DateTimeOffset Now { get; private set; } = ServiceFixture.T0;
    public TimeSpan Step { get; init; } = TimeSpan.FromSeconds(30);
    public IReadOnlyList<ServiceTask> Tasks => _tasks;
    public List<ServicePlan> Plans { get; } = [];

    public void Break(string taskDefinition) => _brokenTaskDefinitions.Add(taskDefinition);

    public ServiceSnapshot Snapshot() => new(Service, [.. _tasks], [.. Instances], State);

    public IEnumerable<ServiceTask> Live => _tasks.Where(t => !ServiceTaskState.IsStopped(t));

    public ServicePlan RunOnce()
    {
        var plan = ServicePlanner.Plan(Snapshot(), Now);
        Plans.Add(plan);
        Apply(plan);
        Now += Step;
        return plan;
    }

    /// <summary>Runs until the PRIMARY is COMPLETED with no other deployment left, checking after every step.</summary>
    public int RunToCompletion(Action<ServiceSimulation> checkEveryStep, int maxSteps = 200)
    {
        for (var step = 1; step <= maxSteps; step++)
        {
            RunOnce();
            checkEveryStep(this);
            var deployments = Service.Deployments ?? [];
            if (deployments.Count == 1 && deployments[0].RolloutState == RolloutStates.Completed)
            {
                return step;
            }
        }
        throw new InvalidOperationException($"No completion after {maxSteps} steps: {string.Join(" | ", Service.Events?.Take(5).Select(e => e.Message) ?? [])}");
    }

    public int HealthyCount() => _tasks.Count(t => ServiceTaskState.IsHealthy(t, Now));

    private void Apply(ServicePlan plan)
    {
        Service = plan.Service;
        State = plan.Scheduler;
        var stops = plan.Stops.ToDictionary(s => s.TaskArn, s => s.Reason, StringComparer.Ordinal);
        for (var i = 0; i < _tasks.Count; i++)
        {
            var task = _tasks[i];
            if (stops.TryGetValue(task.TaskArn, out var reason) && !ServiceTaskState.IsStopped(task))
            {
                _tasks[i] = task with
                {
                    LastStatus = TaskStatuses.Stopped,
                    DesiredStatus = TaskStatuses.Stopped,
                    StoppedAt = Now,
                    StopCode = "ServiceSchedulerInitiated",
                    StoppedReason = reason,
                };
            }
            else if (task.LastStatus == TaskStatuses.Pending && task.DesiredStatus == TaskStatuses.Running)
            {
                _tasks[i] = _brokenTaskDefinitions.Contains(TaskDefinitionOf(task.DeploymentId))
                    ? task with { LastStatus = TaskStatuses.Stopped, DesiredStatus = TaskStatuses.Stopped, StoppedAt = Now, StopCode = "TaskFailedToStart", StoppedReason = "CannotPullContainerError" }
                    : task with { LastStatus = TaskStatuses.Running, StartedAt = Now, HealthStatus = HealthChecks ? "HEALTHY" : "UNKNOWN" };
            }
        }
        foreach (var start in plan.Starts)
        {
            for (var n = 0; n < start.Count; n++)
            {
                _tasks.Add(new ServiceTask(
                    ServiceFixture.TaskArn($"t{++_nextTask:D4}"), start.DeploymentId, TaskStatuses.Pending, TaskStatuses.Running,
                    "UNKNOWN", HealthChecks, start.ContainerInstanceArn ?? PlaceOnSomeInstance(), Now, null, null, null, null));
            }
        }
    }

    private string TaskDefinitionOf(string deploymentId) =>
        Service.Deployments?.FirstOrDefault(d => d.Id == deploymentId)?.TaskDefinition ?? "";

    private string? PlaceOnSomeInstance()
    {
        var usable = Instances.Where(i => i.Status == InstanceStatuses.Active && i.AgentConnected).ToList();
        return usable.Count == 0 ? null : usable[_nextInstance++ % usable.Count].ContainerInstanceArn;
    }
}
