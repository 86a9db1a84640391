namespace Berth.Core.Services;

/// <summary>
/// ECS's service throttle: when a service's tasks repeatedly go from PENDING straight to STOPPED, the time between
/// restart attempts grows, up to 27 minutes, and the service gets the event "(service name) is unable to
/// consistently start tasks successfully." Retrying never stops; a task that reaches RUNNING or a new deployment
/// returns the service to the normal, non-throttled state
/// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-throttle-logic.html).
/// ECS does not publish the steps; Berth doubles from 15 seconds, starting at the second consecutive failure
/// so that a single transient failure is retried at once.
/// </summary>
internal static class RestartThrottle
{
    public const int FailuresBeforeThrottle = 2;
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(27);

    /// <summary>How long to wait before the next start after <paramref name="consecutiveFailures"/> failed starts.</summary>
    public static TimeSpan DelayAfter(int consecutiveFailures)
    {
        if (consecutiveFailures < FailuresBeforeThrottle)
        {
            return TimeSpan.Zero;
        }
        var doublings = Math.Min(consecutiveFailures - FailuresBeforeThrottle, 20);
        var delay = FirstDelay * (1L << doublings);
        return delay < MaxDelay ? delay : MaxDelay;
    }

    public static bool AllowsStart(SchedulerState state, DateTimeOffset now) =>
        state.NextStartAllowedAt is not { } allowed || now >= allowed;

    /// <summary>
    /// Folds newly stopped tasks into the throttle. Returns the new state and whether to write the throttle event
    /// (when the throttle engages, and again every six hours while it lasts).
    /// </summary>
    public static (SchedulerState State, bool Report) Observe(
        SchedulerState state, string? primaryDeploymentId, IReadOnlyList<ServiceTask> tasks,
        IReadOnlyList<ServiceTask> newlyStopped, DateTimeOffset now)
    {
        if (state.StartFailuresDeploymentId != primaryDeploymentId)
        {
            state = Reset(state) with { StartFailuresDeploymentId = primaryDeploymentId };
        }

        var lastStart = tasks.Max(t => t.StartedAt);
        if (state.ConsecutiveStartFailures > 0 && lastStart > state.LastStartFailureAt)
        {
            state = Reset(state);
        }

        // A failure older than the newest successful start is not "consecutive" any more.
        var failures = newlyStopped
            .Where(ServiceTaskState.FailedToStart)
            .Select(t => t.StoppedAt ?? now)
            .Where(stoppedAt => lastStart is not { } started || stoppedAt > started)
            .ToList();
        if (failures.Count == 0)
        {
            return (state, false);
        }

        var count = state.ConsecutiveStartFailures + failures.Count;
        var delay = DelayAfter(count);
        state = state with
        {
            ConsecutiveStartFailures = count,
            LastStartFailureAt = failures.Max(),
            NextStartAllowedAt = delay > TimeSpan.Zero ? now + delay : null,
        };
        var report = count >= FailuresBeforeThrottle
            && (state.ThrottleReportedAt is not { } reported || now - reported >= ServiceEvents.RepeatAfter);
        return (report ? state with { ThrottleReportedAt = now } : state, report);
    }

    public static SchedulerState Reset(SchedulerState state) => state with
    {
        ConsecutiveStartFailures = 0,
        NextStartAllowedAt = null,
        LastStartFailureAt = null,
        ThrottleReportedAt = null,
    };
}
