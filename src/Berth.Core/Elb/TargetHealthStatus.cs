namespace Berth.Core.Elb;

/// <summary>
/// What active and passive health checks have learned about one target: its state as ELB names it and
/// the consecutive outcomes that move it. A pure state machine; the data plane feeds it outcomes and
/// DescribeTargetHealth reads it — the one source of truth for health.
/// </summary>
public sealed record TargetHealthStatus(string State, string? Reason, string? Description, int Successes, int Failures)
{
    /// <summary>ELB starts every newly registered target in <c>initial</c> until its first checks decide.</summary>
    public static readonly TargetHealthStatus Initial =
        new(TargetHealthStates.Initial, TargetHealthReasons.InitialHealthChecking, "Initial health checks in progress", 0, 0);

    /// <summary>
    /// The latest check (or proxied request) reached the target and passed. ELB says a newly registered target "must
    /// pass one health check to be considered healthy"; Berth reports it <c>initial</c> until the healthy threshold,
    /// but prefers it to targets that never answered when the data plane must fail open.
    /// </summary>
    public bool PassedLatestCheck => Successes > 0;

    /// <summary>
    /// Applies one check outcome: <paramref name="healthyThreshold"/> consecutive successes make a target
    /// healthy, <paramref name="unhealthyThreshold"/> consecutive failures unhealthy; anything in between
    /// keeps the current state (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html).
    /// </summary>
    public TargetHealthStatus Observe(HealthCheckOutcome outcome, int healthyThreshold, int unhealthyThreshold)
    {
        if (outcome.Passed)
        {
            var successes = Successes + 1;
            return successes >= healthyThreshold
                ? new(TargetHealthStates.Healthy, null, null, successes, 0)
                : this with { Successes = successes, Failures = 0 };
        }
        var failures = Failures + 1;
        return failures >= unhealthyThreshold
            ? new(TargetHealthStates.Unhealthy, outcome.Reason, outcome.Description, 0, failures)
            : this with { Successes = 0, Failures = failures };
    }
}

/// <summary>The result of one health check (or of one proxied request that failed to reach the target).</summary>
public sealed record HealthCheckOutcome(bool Passed, string? Reason, string? Description)
{
    public static readonly HealthCheckOutcome Success = new(true, null, null);

    public static HealthCheckOutcome ResponseCodeMismatch(int statusCode) =>
        new(false, TargetHealthReasons.ResponseCodeMismatch, $"Health checks failed with these codes: [{statusCode}]");

    public static readonly HealthCheckOutcome Timeout = new(false, TargetHealthReasons.Timeout, "Request timed out");

    public static readonly HealthCheckOutcome ConnectionFailed = new(false, TargetHealthReasons.FailedHealthChecks, "Health checks failed");
}

/// <summary>ELB's TargetHealthStateEnum values.</summary>
public static class TargetHealthStates
{
    public const string Initial = "initial";
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";
    public const string Unused = "unused";
    public const string Draining = "draining";
    public const string Unavailable = "unavailable";
}

/// <summary>ELB's TargetHealthReasonEnum values that Berth reports.</summary>
internal static class TargetHealthReasons
{
    public const string InitialHealthChecking = "Elb.InitialHealthChecking";
    public const string ResponseCodeMismatch = "Target.ResponseCodeMismatch";
    public const string Timeout = "Target.Timeout";
    public const string FailedHealthChecks = "Target.FailedHealthChecks";
    public const string NotRegistered = "Target.NotRegistered";
    public const string NotInUse = "Target.NotInUse";
    public const string DeregistrationInProgress = "Target.DeregistrationInProgress";
    public const string HealthCheckDisabled = "Target.HealthCheckDisabled";
}
