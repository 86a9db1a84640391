using Berth.Core.Leadership;

namespace Berth.Core.Tests.Leadership;

public class LeaseRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_missing_lease_is_taken_over() =>
        Assert.Equal(LeaseAction.TakeOver, LeaseRules.Decide(null, "a", T0));

    [Fact]
    public void The_holder_renews_its_lease_until_it_expires()
    {
        var lease = LeaseRules.Held("a", T0);

        Assert.Equal(LeaseAction.Renew, LeaseRules.Decide(lease, "a", T0 + LeaseRules.RenewInterval));
        Assert.Equal(LeaseAction.Renew, LeaseRules.Decide(lease, "a", T0 + LeaseRules.Duration - TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public void Another_server_waits_until_the_lease_expires_then_takes_it_over()
    {
        var lease = LeaseRules.Held("a", T0);

        Assert.Equal(LeaseAction.Wait, LeaseRules.Decide(lease, "b", T0));
        Assert.Equal(LeaseAction.Wait, LeaseRules.Decide(lease, "b", T0 + LeaseRules.Duration - TimeSpan.FromMilliseconds(1)));
        Assert.Equal(LeaseAction.TakeOver, LeaseRules.Decide(lease, "b", T0 + LeaseRules.Duration));
    }

    [Fact]
    public void A_renewal_pushes_the_expiry_back()
    {
        var renewed = LeaseRules.Held("a", T0 + LeaseRules.RenewInterval);

        Assert.Equal(LeaseAction.Wait, LeaseRules.Decide(renewed, "b", T0 + LeaseRules.Duration));
        Assert.Equal(T0 + LeaseRules.RenewInterval + LeaseRules.Duration, renewed.ExpiresAt);
    }

    [Fact]
    public void Its_own_expired_lease_is_taken_over_not_renewed_so_the_token_changes() =>
        Assert.Equal(LeaseAction.TakeOver, LeaseRules.Decide(LeaseRules.Held("a", T0), "a", T0 + LeaseRules.Duration));

    [Fact]
    public void A_released_lease_is_free_at_once()
    {
        var released = LeaseRules.Released(LeaseRules.Held("a", T0), T0 + LeaseRules.RenewInterval);

        Assert.Equal(LeaseAction.TakeOver, LeaseRules.Decide(released, "b", T0 + LeaseRules.RenewInterval));
    }

    [Fact]
    public void A_dead_holder_is_replaced_within_five_seconds_of_its_last_renewal()
    {
        // The last renewal lands just before the holder dies; the others look once per renew interval.
        var lastRenewal = LeaseRules.Held("a", T0);
        var looks = Enumerable.Range(1, 10).Select(i => T0 + (LeaseRules.RenewInterval * i));

        var takeover = looks.First(now => LeaseRules.Decide(lastRenewal, "b", now) == LeaseAction.TakeOver);

        Assert.True(takeover - T0 < TimeSpan.FromSeconds(5), $"taken over after {takeover - T0}");
    }
}
