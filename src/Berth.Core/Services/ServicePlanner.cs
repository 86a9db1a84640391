using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Berth.Core.Ecs;

namespace Berth.Core.Services;

/// <summary>
/// The pure service scheduler: <c>Plan(snapshot, now) → plan</c>. Level-triggered like a Kubernetes controller
/// and decided like Nomad's reconciler: it reads the whole current state every time, so a missed or repeated
/// round only delays convergence, never breaks it. One round:
/// <list type="number">
/// <item>book-keeping: announce tasks launched since the last round, count newly stopped tasks as deployment
/// failures (circuit breaker) and start failures (restart throttle);</item>
/// <item>the circuit breaker, the deployment alarms or a PAUSE lifecycle hook's ROLLBACK may fail the PRIMARY and roll
/// back;</item>
/// <item>a BLUE_GREEN, LINEAR or CANARY deployment's stage moves on (<see cref="TrafficShiftRound"/>);</item>
/// <item>the REPLICA or DAEMON scheduler (or, for a service being deleted, "stop everything") picks starts and
/// stops within maximumPercent and minimumHealthyPercent; an EXTERNAL service's task sets each keep their own scale
/// (<see cref="TaskSetScheduler"/>);</item>
/// <item>counts, rollout completion (held while deployment alarms bake), steady state, events.</item>
/// </list>
/// </summary>
public static class ServicePlanner
{
    public static ServicePlan Plan(ServiceSnapshot snapshot, DateTimeOffset now) =>
        Plan(snapshot, now, ServiceEvents.DeterministicIds(Seed(snapshot.Service.ServiceArn, now)));

    /// <summary>The deployment alarms whose states the snapshot needs (<see cref="ServiceSnapshot.Alarms"/>); empty when no deployment watches them.</summary>
    public static IReadOnlyList<string> AlarmsToRead(Service service) => DeploymentAlarmWatch.NamesToRead(service);

    /// <summary>
    /// Whether the plan depends on the instances' agents being connected (<see cref="ServiceInstance.AgentConnected"/>):
    /// a DAEMON service's does (it runs a task on each connected instance), and so does Availability Zone rebalancing's
    /// (it balances over the zones of connected instances). Any other plan reads only the instances' statuses, so its
    /// snapshot need not read the cluster's heartbeats (one per instance, every round).
    /// </summary>
    public static bool ReadsAgentConnections(Service service) =>
        service.SchedulingStrategy == SchedulingStrategies.Daemon || AzRebalancing.Applies(service);

    /// <param name="newEventId">Makes the id of each new service event (ECS uses UUIDs).</param>
    public static ServicePlan Plan(ServiceSnapshot snapshot, DateTimeOffset now, Func<string> newEventId)
    {
        var service = snapshot.Service;
        var state = snapshot.Scheduler;
        var tasks = snapshot.Tasks;
        if (service.Status == ServiceStatuses.Inactive)
        {
            return new ServicePlan(service, state, [], []);
        }

        var name = service.ServiceName ?? "";
        var events = new List<string>();
        var counted = state.CountedStoppedTasks.ToHashSet(StringComparer.Ordinal);
        var newlyStopped = tasks.Where(t => ServiceTaskState.IsStopped(t) && !counted.Contains(t.TaskArn)).ToList();
        state = AnnounceStartedTasks(state, tasks, name, events);

        var deleting = service.Status == ServiceStatuses.Draining;
        var daemon = service.SchedulingStrategy == SchedulingStrategies.Daemon;
        var desired = deleting ? 0
            : daemon ? DaemonScheduler.EligibleInstances(snapshot.Instances).Count
            : Math.Max(0, service.DesiredCount ?? 0);

        var original = PrimaryFirst(service.Deployments);
        var deployments = original;
        if (deployments.Count > 0)
        {
            deployments = [deployments[0] with { FailedTasks = CircuitBreaker.CountFailures(deployments[0], tasks, newlyStopped, now) }, .. deployments.Skip(1)];
        }
        var primary = deployments.Count > 0 ? deployments[0] : null;

        (state, var throttled) = RestartThrottle.Observe(state, primary?.Id, tasks, newlyStopped, now);
        if (throttled)
        {
            events.Add(ServiceEvents.UnableToConsistentlyStart(name));
        }

        // A PAUSE hook past its deadline times out here, so a timeout with action ROLLBACK fails the PRIMARY this round.
        state = state.Shift is { } paused ? state with { Shift = PauseHooks.Expire(paused, now) } : state;
        if (!deleting && primary is not null && Failure(snapshot, service, primary, state, desired) is { } failure)
        {
            (deployments, var failureEvents, var rolledBackTo) = DeploymentRollback.Fail(service, deployments, failure.Verdict, RollbackDeploymentId(primary, now), now);
            events.AddRange(failureEvents);
            if (failure.TriggeredAlarms.Count > 0)
            {
                state = DeploymentAlarmWatch.Triggered(state, primary.Id!, failure.TriggeredAlarms);
            }
            if (rolledBackTo is not null)
            {
                // A new task definition returns the service to the normal, non-throttled state (throttle logic).
                service = service with { TaskDefinition = deployments[0].TaskDefinition };
                state = RestartThrottle.Reset(state) with
                {
                    StartFailuresDeploymentId = deployments[0].Id,
                    Links = ServiceHistory.LinkRollback(state.Links, primary.Id!, deployments[0].Id!, rolledBackTo),
                };
            }
        }

        state = TrafficShiftRound.Track(service, deployments, tasks, state, desired, now);
        var startsAllowed = RestartThrottle.AllowsStart(state, now) && !TrafficShiftRound.HoldsGreen(state, deployments);
        var context = new SchedulingContext(service, deployments, tasks, snapshot.Instances, desired, startsAllowed, now)
        {
            HoldsOldDeployments = !deleting && TrafficShiftRound.HoldsBlue(state, deployments),
            BalancesZones = AzRebalancing.Applies(service),
        };
        var runsTaskSets = TaskSetRules.RunsTaskSets(service);
        var (starts, stops) = deleting ? StopEverything(context)
            : daemon ? DaemonScheduler.Decide(context)
            : runsTaskSets ? TaskSetScheduler.Decide(context, RestartThrottle.AllowsStart(state, now))
            : ReplicaScheduler.Decide(context);
        (state, var rebalanceStart, var rebalanceEvents) = AzRebalancing.Round(
            context, state, AzRebalancing.ZonesOf(snapshot.Instances), scheduled: starts.Count > 0 || stops.Stops.Count > 0);
        events.AddRange(rebalanceEvents);
        starts = rebalanceStart is null ? starts : [.. starts, rebalanceStart];

        events.AddRange(stops.Unhealthy.Select(t => ServiceTaskState.UnhealthyTarget(t) is { } target && !ServiceTaskState.FailsContainerHealthCheck(t)
            ? ServiceEvents.UnhealthyInTargetGroup(name, t.TaskArn, target)
            : ServiceEvents.FailedHealthChecks(name, t.TaskArn)));
        var targets = TargetLifecycle.Apply(tasks, stops.Stops);
        if (targets.Deactivations.Count > 0)
        {
            events.Add(ServiceEvents.BegunDraining(name, targets.Deactivations.Count));
        }
        events.AddRange(targets.Deregistrations.GroupBy(c => c.TargetGroupArn, StringComparer.Ordinal)
            .Select(g => ServiceEvents.DeregisteredTargets(name, g.Count(), g.Key)));
        var (rebalanceStops, rebalanceStopEvents) = AzRebalancing.AnnounceStops(context, state, targets.Stops);
        events.AddRange(rebalanceStopEvents);
        if (targets.Stops.Where(s => !rebalanceStops.Contains(s.TaskArn)).Select(s => s.TaskArn).ToList() is { Count: > 0 } stopped)
        {
            events.Add(ServiceEvents.Stopped(name, stopped));
        }
        events.AddRange(targets.Registrations.GroupBy(c => c.TargetGroupArn, StringComparer.Ordinal)
            .Select(g => ServiceEvents.RegisteredTargets(name, g.Count(), g.Key)));

        var bakes = !deleting && DeploymentAlarmWatch.HoldsCompletion(service, context.Primary, state, snapshot.Alarms, now);
        var outcome = DeploymentProgress.Evaluate(context, starts, stops.Stops, serviceActive: !deleting, holdCompletion: bakes);
        state = DeploymentAlarmWatch.AfterRound(state, context.Primary, bakes, outcome.Settled, outcome.Deployments, now);
        // An EXTERNAL or CODE_DEPLOY service has task sets instead of deployments; its counts are theirs.
        var taskSets = runsTaskSets ? TaskSetProgress.Evaluate(context, starts, stops.Stops, deleting) : null;
        if (outcome.Completed)
        {
            events.Add(ServiceEvents.DeploymentCompleted(name, outcome.Deployments[0].Id ?? ""));
            state = TrafficShiftRound.Finish(state, outcome.Deployments[0]);
        }
        state = ReportSteadyState(state, taskSets?.Steady ?? outcome.Steady, name, events, now);

        state = StartAnnouncements.AllAnnounced(state, tasks, now) with
        {
            CountedStoppedTasks = [.. tasks.Where(ServiceTaskState.IsStopped).Select(t => t.TaskArn)],
        };
        var planned = service with
        {
            Status = deleting && tasks.All(ServiceTaskState.IsStopped) ? ServiceStatuses.Inactive : service.Status,
            DesiredCount = daemon ? desired : service.DesiredCount,
            RunningCount = taskSets?.Running ?? outcome.Running,
            PendingCount = taskSets?.Pending ?? outcome.Pending,
            Deployments = Stamped(outcome.Deployments, original, now),
            TaskSets = taskSets?.TaskSets ?? service.TaskSets,
            Events = ServiceEvents.Prepend(service.Events, events, now, newEventId),
        };
        return new ServicePlan(planned, state, starts, targets.Stops)
        {
            Deactivations = targets.Deactivations,
            Registrations = targets.Registrations,
            Deregistrations = targets.Deregistrations,
            RuleForwards = deleting ? [] : TrafficShiftRound.Forwards(service, state, outcome.Deployments),
        };
    }

    /// <summary>
    /// Whether the PRIMARY fails this round: the circuit breaker first, then the deployment alarms (either can fail a
    /// deployment when both are on, as the developer guide says), with the alarms in ALARM when they did, then a PAUSE
    /// lifecycle hook answered or timed out with ROLLBACK.
    /// </summary>
    private static (DeploymentFailure Verdict, IReadOnlyList<string> TriggeredAlarms)? Failure(
        ServiceSnapshot snapshot, Service service, Deployment primary, SchedulerState state, int desired)
    {
        if (CircuitBreaker.Trips(service, primary, desired))
        {
            return (CircuitBreaker.Failure(service, primary.Id ?? ""), []);
        }
        var alarms = DeploymentAlarmWatch.Trips(service, primary, snapshot.Tasks, state, snapshot.Alarms);
        if (alarms.Count > 0)
        {
            return (DeploymentAlarmWatch.Failure(service, primary.Id ?? "", alarms), alarms);
        }
        return PauseHooks.Failure(service, primary, state.Shift) is { } rolledBack ? (rolledBack, []) : null;
    }

    /// <summary>
    /// "(service web) has started 2 tasks: …" — the planner only asks for a count of tasks; their ids exist once
    /// the controller launched them, so they are announced on the first round that sees them (an AZ rebalancing start in
    /// its own words).
    /// </summary>
    private static SchedulerState AnnounceStartedTasks(SchedulerState state, IReadOnlyList<ServiceTask> tasks, string name, List<string> events)
    {
        (state, var others, var rebalanced) = AzRebalancing.AnnounceStarts(state, StartAnnouncements.Unannounced(state, tasks), name);
        if (others.Count > 0)
        {
            events.Add(ServiceEvents.Started(name, others.Select(t => t.TaskArn)));
        }
        events.AddRange(rebalanced);
        return state;
    }

    /// <summary>
    /// "has reached a steady state" once per steady period; ECS repeats an unchanged message only after six hours
    /// ("Viewing Amazon ECS service event messages": duplicates are omitted until the cause is resolved or six
    /// hours pass).
    /// </summary>
    private static SchedulerState ReportSteadyState(SchedulerState state, bool steady, string name, List<string> events, DateTimeOffset now)
    {
        if (!steady)
        {
            return state with { SteadyStateReportedAt = null };
        }
        if (state.SteadyStateReportedAt is { } reported && now - reported < ServiceEvents.RepeatAfter)
        {
            return state;
        }
        events.Add(ServiceEvents.SteadyState(name));
        return state with { SteadyStateReportedAt = now };
    }

    /// <summary>A service being deleted (DRAINING) stops all its tasks, whatever the deployment configuration says.</summary>
    private static (IReadOnlyList<TaskStart>, StopSelection) StopEverything(SchedulingContext context)
    {
        var stops = new StopSelection(context);
        foreach (var task in context.Tasks.Where(ServiceTaskState.IsActive))
        {
            stops.Force(task, SchedulingContext.ScalingReason(task));
        }
        return ([], stops);
    }

    /// <summary>The PRIMARY first, then the older deployments in their stored order; INACTIVE ones are not shown.</summary>
    private static IReadOnlyList<Deployment> PrimaryFirst(IReadOnlyList<Deployment>? deployments) =>
        [.. (deployments ?? [])
            .Where(d => d.Status != DeploymentStatuses.Inactive)
            .OrderBy(d => d.Status == DeploymentStatuses.Primary ? 0 : 1)];

    /// <summary>updatedAt moves when anything about the deployment changed this round.</summary>
    private static IReadOnlyList<Deployment> Stamped(IReadOnlyList<Deployment> deployments, IReadOnlyList<Deployment> original, DateTimeOffset now) =>
        [.. deployments.Select(d =>
            original.FirstOrDefault(o => o.Id == d.Id) is { } before && before == (d with { UpdatedAt = before.UpdatedAt })
                ? before
                : d with { UpdatedAt = now })];

    /// <summary>
    /// The rollback deployment's id, derived from the failed deployment and the time so a re-plan after a commit
    /// conflict names the same deployment: <c>ecs-svc/</c> and 19 digits, as ECS's ids.
    /// </summary>
    private static string RollbackDeploymentId(Deployment failed, DateTimeOffset now)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Seed(failed.Id, now) + "#rollback"));
        var number = 1_000_000_000_000_000_000 + (long)(BinaryPrimitives.ReadUInt64LittleEndian(hash) % 8_000_000_000_000_000_000UL);
        return ServiceRules.DeploymentIdPrefix + number.ToString(CultureInfo.InvariantCulture);
    }

    private static string Seed(string? key, DateTimeOffset now) =>
        $"{key}@{now.UtcTicks.ToString(CultureInfo.InvariantCulture)}";
}
