using Berth.Core.Elb;

namespace Berth.Core.Tests.Elb;

public class TargetHealthViewTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly RegisteredTarget Target = new("10.0.0.1", 80, null, Now.AddMinutes(-5));
    private static readonly TargetHealthStatus Healthy = new("healthy", null, null, 2, 0);

    private static (string?, string?) Describe(RegisteredTarget? target, bool inUse = true, bool checks = true, TargetHealthStatus? status = null)
    {
        var health = TargetHealthView.Describe(target, inUse, checks, status, Now);
        return (health.State, health.Reason);
    }

    [Fact]
    public void An_unregistered_target_is_unused_not_registered() =>
        Assert.Equal(("unused", "Target.NotRegistered"), Describe(null));

    [Fact]
    public void A_target_whose_draining_ended_is_no_longer_registered() =>
        Assert.Equal(("unused", "Target.NotRegistered"), Describe(Target with { DrainingUntil = Now.AddSeconds(-1) }, status: Healthy));

    [Fact]
    public void A_deregistered_target_drains_until_the_delay_ends() =>
        Assert.Equal(("draining", "Target.DeregistrationInProgress"), Describe(Target with { DrainingUntil = Now.AddSeconds(1) }, status: Healthy));

    [Fact]
    public void A_target_of_a_group_no_load_balancer_uses_is_unused_not_in_use() =>
        Assert.Equal(("unused", "Target.NotInUse"), Describe(Target, inUse: false, status: Healthy));

    [Fact]
    public void A_target_not_checked_yet_is_initial() =>
        Assert.Equal(("initial", "Elb.InitialHealthChecking"), Describe(Target));

    [Fact]
    public void Otherwise_health_checks_decide() =>
        Assert.Equal(("healthy", null), Describe(Target, status: Healthy));

    [Fact]
    public void Disabled_health_checks_report_unavailable() =>
        Assert.Equal(("unavailable", "Target.HealthCheckDisabled"), Describe(Target, checks: false));

    [Fact]
    public void Only_healthy_targets_are_routable_and_draining_ones_never()
    {
        var a = Target;
        var b = Target with { Id = "10.0.0.2" };
        var draining = Target with { Id = "10.0.0.3", DrainingUntil = Now.AddSeconds(30) };
        var routable = TargetHealthView.Routable([a, b, draining], true, key => key.Id == "10.0.0.1" || key.Id == "10.0.0.3" ? Healthy : null, Now);
        Assert.Equal(["10.0.0.1"], routable.Select(t => t.Id));
    }

    [Fact]
    public void With_no_healthy_target_elb_fails_open_to_every_active_target()
    {
        var a = Target;
        var b = Target with { Id = "10.0.0.2" };
        var draining = Target with { Id = "10.0.0.3", DrainingUntil = Now.AddSeconds(30) };
        var routable = TargetHealthView.Routable([a, b, draining], true, _ => null, Now);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], routable.Select(t => t.Id));
    }

    [Fact]
    public void Failing_open_prefers_the_targets_whose_latest_check_passed()
    {
        // Initial after one pass, initial after one failure, never checked, unhealthy but passing again.
        var statuses = new Dictionary<string, TargetHealthStatus>
        {
            ["10.0.0.1"] = TargetHealthStatus.Initial with { Successes = 1 },
            ["10.0.0.2"] = TargetHealthStatus.Initial with { Failures = 1 },
            ["10.0.0.4"] = new("unhealthy", "Target.FailedHealthChecks", "Health checks failed", 1, 0),
        };
        var targets = new[] { "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4" }.Select(id => Target with { Id = id }).ToList();

        var routable = TargetHealthView.Routable(targets, true, key => statuses.GetValueOrDefault(key.Id), Now);

        Assert.Equal(["10.0.0.1", "10.0.0.4"], routable.Select(t => t.Id));
    }
}
