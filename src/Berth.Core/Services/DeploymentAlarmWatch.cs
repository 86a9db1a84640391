using Berth.Core.Alarms;
using Berth.Core.Ecs;

namespace Berth.Core.Services;

/// <summary>
/// Deployment alarms (<c>deploymentConfiguration.alarms</c>), as the developer guide's "How CloudWatch alarms detect
/// Amazon ECS deployment failures" and the ECS blog post that introduced them describe:
/// <list type="bullet">
/// <item>with <c>enable</c>, ECS watches the named alarms from the moment one task of the new deployment runs; if any is
/// in ALARM, the deployment becomes FAILED and launches no more tasks, and with <c>rollback</c> ECS rolls back to the last
/// COMPLETED deployment — the circuit breaker's path (<see cref="DeploymentRollback.Fail"/>); a blue/green, linear or
/// canary deployment that fails this way shifts traffic back to blue (<see cref="TrafficShiftRound"/>);</item>
/// <item>a rolling deployment stays IN_PROGRESS for a bake time after its tasks are steady, still watching, and completes
/// once the bake time passed (<see cref="DeploymentAlarmStates.BakeTime"/>); a shifting strategy watches until the end of its
/// own BAKE_TIME stage instead.</item>
/// </list>
/// A rollback deployment is not watched: the alarm that failed the deployment is likely still in ALARM, and failing the
/// rollback too would leave the service with nothing to run (the guide is silent on this).
/// </summary>
internal static class DeploymentAlarmWatch
{
    public static bool IsEnabled(Service service) => service.DeploymentConfiguration?.Alarms?.Enable == true;

    public static string FailedReason(IEnumerable<string> alarmNames) =>
        $"ECS deployment alarms: alarm(s) {string.Join(", ", alarmNames)} in ALARM.";

    public static string RollbackReason(string targetDeploymentId) =>
        $"ECS deployment alarms: rolling back to deploymentId {targetDeploymentId}.";

    /// <summary>The alarms a round must read: the named ones while alarms are on and a PRIMARY is in progress; else none.</summary>
    public static IReadOnlyList<string> NamesToRead(Service service) =>
        IsEnabled(service) && (service.Deployments ?? []).Any(d => d.Status == DeploymentStatuses.Primary && d.RolloutState == RolloutStates.InProgress)
            ? service.DeploymentConfiguration!.Alarms!.AlarmNames ?? []
            : [];

    /// <summary>The PRIMARY is watched: alarms are on, it is IN_PROGRESS, and it is not a rollback.</summary>
    public static bool Watches(Service service, Deployment primary, SchedulerState state) =>
        IsEnabled(service)
        && primary.RolloutState == RolloutStates.InProgress
        && !ServiceHistory.IsRollback(state.Links, primary.Id ?? "");

    /// <summary>The named alarms in ALARM that fail the PRIMARY this round: none until one of its tasks runs.</summary>
    public static IReadOnlyList<string> Trips(
        Service service, Deployment primary, IReadOnlyList<ServiceTask> tasks, SchedulerState state, DeploymentAlarmStates alarms) =>
        Watches(service, primary, state) && tasks.Any(t => t.DeploymentId == primary.Id && ServiceTaskState.IsRunning(t))
            ? DeploymentAlarmStates.Triggered(service.DeploymentConfiguration!.Alarms!.AlarmNames, alarms.InAlarm)
            : [];

    public static DeploymentFailure Failure(Service service, string deploymentId, IReadOnlyList<string> alarmNames) => new(
        FailedReason(alarmNames),
        ServiceEvents.DeploymentFailedOnAlarms(service.ServiceName ?? "", deploymentId, alarmNames),
        service.DeploymentConfiguration?.Alarms?.Rollback == true,
        RollbackReason);

    /// <summary>The failed deployment's triggered alarms, kept while it is live, for its service deployment.</summary>
    public static SchedulerState Triggered(SchedulerState state, string deploymentId, IReadOnlyList<string> alarmNames) =>
        state with { AlarmTriggers = [.. state.AlarmTriggers.Where(t => t.DeploymentId != deploymentId), new AlarmTrigger(deploymentId, alarmNames)] };

    /// <summary>
    /// Whether a watched rolling PRIMARY that is steady must not complete yet: its bake time has not passed since it
    /// became steady (<see cref="SchedulerState.AlarmBake"/>).
    /// </summary>
    public static bool HoldsCompletion(Service service, Deployment? primary, SchedulerState state, DeploymentAlarmStates alarms, DateTimeOffset now) =>
        primary is not null
        && Watches(service, primary, state)
        && !DeploymentStrategies.ShiftsTraffic(service.DeploymentConfiguration)
        && alarms.BakeTime > TimeSpan.Zero
        && !(state.AlarmBake is { } bake && bake.DeploymentId == primary.Id && now - bake.SteadySince >= alarms.BakeTime);

    /// <summary>
    /// The bake after the round: it starts when a held PRIMARY is first steady and starts over if the PRIMARY stops being
    /// steady (the guide: COMPLETED "when the service reaches a steady state and the bake time is complete"). Triggers of
    /// deployments no longer live are dropped.
    /// </summary>
    public static SchedulerState AfterRound(SchedulerState state, Deployment? primary, bool held, bool steady, IReadOnlyList<Deployment> live, DateTimeOffset now)
    {
        var bake = held && steady && primary?.Id is { } id
            ? state.AlarmBake is { } current && current.DeploymentId == id ? current : new AlarmBake(id, now)
            : null;
        var ids = live.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        return state with { AlarmBake = bake, AlarmTriggers = [.. state.AlarmTriggers.Where(t => ids.Contains(t.DeploymentId))] };
    }
}
