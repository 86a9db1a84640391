using Berth.Core.Elb;

namespace Berth.Core.Tests.Elb;

public class TargetHealthStatusTests
{
    private static TargetHealthStatus Run(TargetHealthStatus start, params HealthCheckOutcome[] outcomes) =>
        outcomes.Aggregate(start, (status, outcome) => status.Observe(outcome, healthyThreshold: 2, unhealthyThreshold: 3));

    private static readonly HealthCheckOutcome Ok = HealthCheckOutcome.Success;
    private static readonly HealthCheckOutcome Refused = HealthCheckOutcome.ConnectionFailed;

    [Fact]
    public void A_new_target_is_initial_with_elb_initial_health_checking()
    {
        Assert.Equal(("initial", "Elb.InitialHealthChecking"), (TargetHealthStatus.Initial.State, TargetHealthStatus.Initial.Reason));
    }

    [Fact]
    public void Healthy_threshold_successes_make_a_target_healthy_and_fewer_do_not()
    {
        Assert.Equal("initial", Run(TargetHealthStatus.Initial, Ok).State);
        var healthy = Run(TargetHealthStatus.Initial, Ok, Ok);
        Assert.Equal(("healthy", null), (healthy.State, healthy.Reason));
    }

    [Fact]
    public void Unhealthy_threshold_failures_make_a_healthy_target_unhealthy_with_the_last_reason()
    {
        var healthy = Run(TargetHealthStatus.Initial, Ok, Ok);
        Assert.Equal("healthy", Run(healthy, Refused, Refused).State);
        var unhealthy = Run(healthy, Refused, Refused, HealthCheckOutcome.ResponseCodeMismatch(503));
        Assert.Equal(("unhealthy", "Target.ResponseCodeMismatch"), (unhealthy.State, unhealthy.Reason));
        Assert.Equal("Health checks failed with these codes: [503]", unhealthy.Description);
    }

    [Fact]
    public void A_success_resets_the_failure_count()
    {
        var healthy = Run(TargetHealthStatus.Initial, Ok, Ok);
        Assert.Equal("healthy", Run(healthy, Refused, Refused, Ok, Refused, Refused).State);
    }

    [Fact]
    public void An_unhealthy_target_recovers_after_healthy_threshold_successes()
    {
        var unhealthy = Run(TargetHealthStatus.Initial, Refused, Refused, Refused);
        Assert.Equal(("unhealthy", "Target.FailedHealthChecks"), (unhealthy.State, unhealthy.Reason));
        Assert.Equal("unhealthy", Run(unhealthy, Ok).State);
        Assert.Equal("healthy", Run(unhealthy, Ok, Ok).State);
    }

    [Fact]
    public void Passed_latest_check_follows_the_newest_outcome_whatever_the_state()
    {
        Assert.False(TargetHealthStatus.Initial.PassedLatestCheck);
        Assert.True(Run(TargetHealthStatus.Initial, Ok).PassedLatestCheck);
        Assert.False(Run(TargetHealthStatus.Initial, Ok, Refused).PassedLatestCheck);
        Assert.True(Run(TargetHealthStatus.Initial, Refused, Refused, Refused, Ok).PassedLatestCheck);
    }

    [Fact]
    public void Timeouts_report_target_timeout()
    {
        var status = Run(TargetHealthStatus.Initial, HealthCheckOutcome.Timeout, HealthCheckOutcome.Timeout, HealthCheckOutcome.Timeout);
        Assert.Equal(("unhealthy", "Target.Timeout"), (status.State, status.Reason));
    }
}
