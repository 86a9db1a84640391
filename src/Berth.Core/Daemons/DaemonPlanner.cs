using Berth.Core.Alarms;
using Berth.Core.Ecs;
using Berth.Core.Services;
using Berth.Core.Tasks;

namespace Berth.Core.Daemons;

/// <summary>
/// One round of a daemon, decided purely. Placement is the DAEMON strategy's (<see cref="DaemonScheduler.EligibleInstances"/>):
/// one task on every ACTIVE instance with a connected agent, here those of the daemon's capacity providers; none on an
/// instance that is leaving or left the providers. A stopped daemon task is started again at once, and a new instance gets
/// its task in the first round that sees it. A deployment replaces the tasks of other revisions instance by instance: the
/// old task stops first and the new one starts once it has (Berth has no instances to drain and re-provision, as ECS
/// does, so an instance is replaced in place), at most drainPercent of the instances at a time, waiting bakeTimeInMinutes
/// after each step. The circuit breaker counts the target revision's tasks that failed to start or whose essential
/// container exited since the deployment started (the service circuit breaker's threshold, over the instance count);
/// it, or one of the deployment's alarms in ALARM, rolls back to the revision the deployment replaced, or stops the
/// deployment when there is none (the daemon's first).
/// </summary>
public static class DaemonPlanner
{
    public const string StopCode = "ServiceSchedulerInitiated";
    public const string ReplacedReason = "Daemon deployment: replacing the task with the daemon's new revision.";
    public const string LeftReason = "Daemon task stopped: its container instance is leaving or no longer in the daemon's capacity providers.";
    public const string ExtraReason = "Daemon task stopped: its container instance runs another task of the daemon.";
    public const string DeletedReason = "Daemon deleted.";
    public const string CircuitBreakerReason = "ECS deployment circuit breaker: daemon tasks failed to start.";

    public static string AlarmReason(IEnumerable<string> alarms) => $"Daemon deployment failed: alarm(s) {string.Join(", ", alarms)} in ALARM.";

    public static DaemonPlan Plan(DaemonSnapshot snapshot, DateTimeOffset now)
    {
        var daemon = snapshot.Daemon;
        var record = snapshot.Deployment;
        var deployment = record.Deployment;
        var running = DaemonDeploymentStatuses.IsRunning(deployment.Status);
        if (deployment.Status == DaemonDeploymentStatuses.Pending)
        {
            deployment = deployment with { Status = DaemonDeploymentStatuses.InProgress, StartedAt = now };
        }
        var live = snapshot.Tasks.Where(IsLive).ToList();
        if (daemon.Status == DaemonRecord.DeleteInProgress)
        {
            var done = snapshot.Tasks.All(t => t.LastStatus == TaskStatuses.Stopped);
            if (running && done)
            {
                deployment = Finished(deployment, DaemonDeploymentStatuses.Successful, now);
            }
            var stops = live.Select(t => new DaemonStop(t.TaskArn, DeletedReason)).ToList();
            return new DaemonPlan(daemon, record with { Deployment = running ? Counted(deployment, snapshot) : deployment }, [], stops, done);
        }

        var eligible = DaemonScheduler.EligibleInstances(
            [.. snapshot.Instances.Select(i => new ServiceInstance(i.ContainerInstanceArn, i.Status, i.AgentConnected))]);
        if (deployment.Status == DaemonDeploymentStatuses.InProgress)
        {
            (daemon, deployment) = Monitor(snapshot, daemon, deployment, eligible.Count, now);
        }
        var actions = Actions(snapshot, daemon.RevisionArn, live, eligible, record with { Deployment = deployment }, now);

        // A finished deployment keeps its record as it ended; restarts after it are no step of it.
        var next = running ? actions.Deployment : record with { Deployment = deployment };
        if (running)
        {
            if (DaemonDeploymentStatuses.IsRunning(deployment.Status) && actions.Converged && (next.NextStepAt is not { } at || now >= at))
            {
                next = next with
                {
                    Deployment = Finished(deployment, deployment.Status == DaemonDeploymentStatuses.RollbackInProgress
                        ? DaemonDeploymentStatuses.RollbackSuccessful
                        : DaemonDeploymentStatuses.Successful, now),
                };
            }
            next = next with { Deployment = Counted(next.Deployment, snapshot) };
        }
        return new DaemonPlan(daemon, next, actions.Starts, actions.Stops, false);
    }

    /// <summary>The round's starts and stops, whether the daemon runs its revision everywhere, and the deployment's step bookkeeping.</summary>
    private sealed record RoundActions(List<DaemonStart> Starts, List<DaemonStop> Stops, bool Converged, DaemonDeploymentRecord Deployment);

    private static RoundActions Actions(
        DaemonSnapshot snapshot, string target, List<DaemonTask> live, IReadOnlyList<ServiceInstance> eligible, DaemonDeploymentRecord record,
        DateTimeOffset now)
    {
        var starts = new List<DaemonStart>();
        var stops = new List<DaemonStop>();
        var instances = snapshot.Instances.ToDictionary(i => i.ContainerInstanceArn, StringComparer.Ordinal);
        foreach (var task in live)
        {
            if (task.ContainerInstanceArn is not { } at || !instances.TryGetValue(at, out var instance) || instance.Status != InstanceStatuses.Active)
            {
                stops.Add(new DaemonStop(task.TaskArn, LeftReason));
            }
        }

        var inFlight = 0;
        var outdated = new List<DaemonTask>();
        foreach (var instance in eligible)
        {
            var arn = instance.ContainerInstanceArn;
            var here = live.Where(t => t.ContainerInstanceArn == arn).ToList();
            var current = here.Where(t => t.RevisionArn == target)
                .OrderByDescending(t => t.LastStatus == TaskStatuses.Running).ThenBy(t => t.CreatedAt).ThenBy(t => t.TaskArn, StringComparer.Ordinal)
                .ToList();
            var old = here.Where(t => t.RevisionArn != target).OrderBy(t => t.CreatedAt).ThenBy(t => t.TaskArn, StringComparer.Ordinal).ToList();
            if (current.Count > 0)
            {
                stops.AddRange(current.Skip(1).Select(t => new DaemonStop(t.TaskArn, ExtraReason)));
                stops.AddRange(old.Select(t => new DaemonStop(t.TaskArn, ReplacedReason)));
                inFlight += current[0].LastStatus == TaskStatuses.Running ? 0 : 1;
            }
            else if (old.Count > 0)
            {
                stops.AddRange(old.Skip(1).Select(t => new DaemonStop(t.TaskArn, ExtraReason)));
                outdated.Add(old[0]);
            }
            else
            {
                // The instance must be empty before the task starts: a stopping task still holds its resources.
                inFlight++;
                if (!snapshot.Tasks.Any(t => t.ContainerInstanceArn == arn && IsStopping(t)))
                {
                    starts.Add(new DaemonStart(arn, instances[arn].CapacityProviderArn, target));
                }
            }
        }

        // A step is done when no instance waits for its task any more; the bake time runs from then.
        var configuration = record.Deployment.DeploymentConfiguration;
        if (inFlight == 0 && record.StepInFlight)
        {
            record = record with { StepInFlight = false, NextStepAt = now + TimeSpan.FromMinutes(configuration?.BakeTimeInMinutes ?? 0) };
        }
        var stepAllowed = record.NextStepAt is not { } next || now >= next;
        var batch = DaemonRules.BatchSize(configuration?.DrainPercent ?? DaemonRules.DefaultDrainPercent, eligible.Count);
        var replace = stepAllowed ? Math.Max(0, batch - inFlight) : 0;
        foreach (var task in outdated.Take(replace))
        {
            stops.Add(new DaemonStop(task.TaskArn, ReplacedReason));
            inFlight++;
        }
        var converged = outdated.Count == 0 && inFlight == 0 && stops.Count == 0 && !snapshot.Tasks.Any(IsStopping);
        return new RoundActions(starts, stops, converged, inFlight > 0 ? record with { StepInFlight = true } : record);
    }

    /// <summary>The circuit breaker and alarms of a deployment in progress: they roll it back, or stop it when there is nothing to roll back to.</summary>
    private static (DaemonRecord, DaemonDeployment) Monitor(
        DaemonSnapshot snapshot, DaemonRecord daemon, DaemonDeployment deployment, int instances, DateTimeOffset now)
    {
        var failures = snapshot.Tasks.Count(t => t.RevisionArn == daemon.RevisionArn && t.LastStatus == TaskStatuses.Stopped
            && t.CreatedAt >= deployment.StartedAt && t.StopCode is "TaskFailedToStart" or "EssentialContainerExited");
        var threshold = CircuitBreaker.Threshold(instances);
        var breaker = (deployment.CircuitBreaker ?? new DaemonCircuitBreaker()) with
        {
            FailureCount = failures,
            Threshold = threshold,
            Status = failures >= threshold ? DaemonDeploymentStatuses.Triggered : DaemonDeploymentStatuses.Monitoring,
        };
        var alarms = deployment.Alarms;
        var triggered = alarms is { Status: DaemonDeploymentStatuses.Monitoring }
            ? DeploymentAlarmStates.Triggered(alarms.AlarmNames, snapshot.AlarmsInAlarm)
            : [];
        if (triggered.Count > 0)
        {
            alarms = alarms! with { Status = DaemonDeploymentStatuses.Triggered, TriggeredAlarmNames = triggered };
        }
        deployment = deployment with { CircuitBreaker = breaker, Alarms = alarms };
        if (breaker.Status != DaemonDeploymentStatuses.Triggered && triggered.Count == 0)
        {
            return (daemon, deployment);
        }
        var reason = triggered.Count > 0 ? AlarmReason(triggered) : CircuitBreakerReason;
        var rollbackTo = (deployment.SourceDaemonRevisions ?? []).Select(s => s.Arn!).FirstOrDefault(a => a != daemon.RevisionArn);
        if (rollbackTo is null)
        {
            return (daemon, deployment with { Status = DaemonDeploymentStatuses.Stopped, StatusReason = reason, StoppedAt = now });
        }
        var rollback = new DaemonRollback
        {
            Reason = reason,
            StartedAt = now,
            RollbackTargetDaemonRevisionArn = rollbackTo,
            RollbackCapacityProviders = snapshot.RevisionCapacityProviders.GetValueOrDefault(rollbackTo) ?? [],
        };
        return (daemon with { RevisionArn = rollbackTo },
            deployment with { Status = DaemonDeploymentStatuses.RollbackInProgress, StatusReason = reason, Rollback = rollback });
    }

    private static DaemonDeployment Finished(DaemonDeployment deployment, string status, DateTimeOffset now) => deployment with
    {
        Status = status,
        FinishedAt = now,
        CircuitBreaker = deployment.CircuitBreaker is { Status: DaemonDeploymentStatuses.Monitoring } breaker
            ? breaker with { Status = DaemonDeploymentStatuses.MonitoringComplete }
            : deployment.CircuitBreaker,
        Alarms = deployment.Alarms is { Status: DaemonDeploymentStatuses.Monitoring } alarms
            ? alarms with { Status = DaemonDeploymentStatuses.MonitoringComplete }
            : deployment.Alarms,
    };

    /// <summary>The deployment's instance counts per revision and capacity provider: running its task, or draining it.</summary>
    private static DaemonDeployment Counted(DaemonDeployment deployment, DaemonSnapshot snapshot) => deployment with
    {
        TargetDaemonRevision = deployment.TargetDaemonRevision is { Arn: { } target } ? Count(target, snapshot) : null,
        SourceDaemonRevisions = [.. (deployment.SourceDaemonRevisions ?? []).Select(s => Count(s.Arn!, snapshot))],
    };

    private static DaemonDeploymentRevisionDetail Count(string revisionArn, DaemonSnapshot snapshot)
    {
        var providers = snapshot.Instances
            .GroupBy(i => i.CapacityProviderArn, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DaemonDeploymentCapacityProvider
            {
                Arn = g.Key,
                RunningInstanceCount = g.Count(i => snapshot.Tasks.Any(t => t.ContainerInstanceArn == i.ContainerInstanceArn && t.RevisionArn == revisionArn
                    && t.LastStatus == TaskStatuses.Running && t.DesiredStatus != TaskStatuses.Stopped)),
                DrainingInstanceCount = g.Count(i => snapshot.Tasks.Any(t => t.ContainerInstanceArn == i.ContainerInstanceArn && t.RevisionArn == revisionArn
                    && IsStopping(t))),
            })
            .ToList();
        return new DaemonDeploymentRevisionDetail
        {
            Arn = revisionArn,
            CapacityProviders = providers,
            TotalRunningInstanceCount = providers.Sum(p => p.RunningInstanceCount ?? 0),
            TotalDrainingInstanceCount = providers.Sum(p => p.DrainingInstanceCount ?? 0),
        };
    }

    private static bool IsLive(DaemonTask task) => task.LastStatus != TaskStatuses.Stopped && task.DesiredStatus != TaskStatuses.Stopped;

    private static bool IsStopping(DaemonTask task) => task.LastStatus != TaskStatuses.Stopped && task.DesiredStatus == TaskStatuses.Stopped;
}
