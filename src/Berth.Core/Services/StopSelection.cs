namespace Berth.Core.Services;

/// <summary>
/// The tasks one plan stops, under minimumHealthyPercent: stopping a healthy task spends one unit of the budget
/// "healthy tasks now − minimum healthy tasks"; stopping a task that is not healthy does not lower the healthy count
/// and is allowed — except a task still starting behind a load balancer while fewer than the minimum are healthy.
/// Such a task may be serving every request (ELB fails open while no target is healthy, as right after the service
/// started) and is on its way to count, so it stays until enough tasks are healthy to serve without it.
/// </summary>
internal sealed class StopSelection(SchedulingContext context)
{
    private readonly List<TaskStop> _stops = [];
    private readonly HashSet<string> _stopped = new(StringComparer.Ordinal);
    private readonly List<ServiceTask> _unhealthy = [];
    private int _budget = context.Tasks.Count(t => context.IsHealthy(t)) - context.Bounds.MinimumHealthyTasks;

    public IReadOnlyList<TaskStop> Stops => _stops;

    /// <summary>Tasks stopped for failing their health checks, for the "failed container health checks" and "is unhealthy in" events.</summary>
    public IReadOnlyList<ServiceTask> Unhealthy => _unhealthy;

    public bool Contains(ServiceTask task) => _stopped.Contains(task.TaskArn);

    /// <summary>Stops the task if the minimum healthy bound allows it; false when it would go below.</summary>
    public bool TryStop(ServiceTask task, string reason)
    {
        if (Contains(task))
        {
            return false;
        }
        if (context.IsHealthy(task))
        {
            if (_budget <= 0)
            {
                return false;
            }
            _budget--;
        }
        else if (_budget < 0 && context.IsStartingBehindLoadBalancer(task))
        {
            return false;
        }
        Add(task, reason);
        return true;
    }

    /// <summary>
    /// Stops the task for scale-in or a deployment, as <see cref="TryStop"/> does, unless it is scale-in protected:
    /// ECS keeps protected tasks through "scale-in events from Service Autoscaling or deployments".
    /// </summary>
    public bool TryRetire(ServiceTask task, string reason) => !context.IsProtected(task) && TryStop(task, reason);

    /// <summary>Stops the task whatever the bound says: the service is being deleted or the task must leave its instance.</summary>
    public void Force(ServiceTask task, string reason)
    {
        if (!Contains(task))
        {
            if (context.IsHealthy(task))
            {
                _budget--;
            }
            Add(task, reason);
        }
    }

    /// <summary>Stops an unhealthy task (never counted healthy, so always within the bound) and remembers why.</summary>
    public void StopUnhealthy(ServiceTask task)
    {
        if (!Contains(task))
        {
            Add(task, ServiceTaskState.UnhealthyReason(task));
            _unhealthy.Add(task);
        }
    }

    private void Add(ServiceTask task, string reason)
    {
        _stopped.Add(task.TaskArn);
        _stops.Add(new TaskStop(task.TaskArn, reason));
    }
}
