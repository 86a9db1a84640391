using Berth.Core.AutoScaling;

namespace Berth.Core.Tests.AutoScaling;

public class ScalingCooldownsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(300);

    /// <summary>A policy that scaled out from 2 to 4 <paramref name="secondsAgo"/> seconds ago.</summary>
    private static CooldownState ScaledOut(int secondsAgo) => new(Now.AddSeconds(-secondsAgo), 2, null, Now.AddSeconds(-secondsAgo));

    /// <summary>Target tracking at 50: the capacity that brings the metric to the target from <paramref name="from"/> tasks.</summary>
    private static Func<int, int?> Tracking(double metric) => from => ScalingDecisions.TargetTracking(from, metric, 50, scaleOut: true);

    [Fact]
    public void Without_a_cooldown_a_scale_out_is_computed_from_the_current_capacity()
    {
        Assert.Equal((6, 4), ScalingCooldowns.ScaleOut(4, new CooldownState(null, null, null, null), Cooldown, Now, Tracking(70)));
        Assert.Equal((6, 4), ScalingCooldowns.ScaleOut(4, ScaledOut(301), Cooldown, Now, Tracking(70)));
    }

    [Fact]
    public void During_the_scale_out_cooldown_the_capacity_already_added_counts_so_the_same_ask_adds_nothing()
    {
        // 2 tasks at 100% asked for 4; the metric has not moved yet (the new tasks are starting): still 4, nothing more.
        Assert.Null(ScalingCooldowns.ScaleOut(4, ScaledOut(60), Cooldown, Now, Tracking(100)));
    }

    [Fact]
    public void During_the_scale_out_cooldown_a_larger_scale_out_adds_only_the_difference()
    {
        // From the 2 before the cooldown's scale-out, 150% asks for 6: two more than the 4 there are.
        Assert.Equal((6, 2), ScalingCooldowns.ScaleOut(4, ScaledOut(60), Cooldown, Now, Tracking(150)));
    }

    [Fact]
    public void Step_scaling_during_its_cooldown_counts_the_added_capacity_too()
    {
        // The cooldown's scale-out added 2 (from 2 to 4); a step of +3 then adds 1, a step of +2 adds nothing.
        Assert.Equal((5, 2), ScalingCooldowns.ScaleOut(4, ScaledOut(60), Cooldown, Now, from => from + 3));
        Assert.Null(ScalingCooldowns.ScaleOut(4, ScaledOut(60), Cooldown, Now, from => from + 2));
    }

    [Fact]
    public void A_scale_in_is_blocked_during_the_scale_in_cooldown_and_allowed_after_it()
    {
        Assert.True(ScalingCooldowns.ScaleInBlocked(new CooldownState(null, null, Now.AddSeconds(-299), null), Cooldown, Now));
        Assert.False(ScalingCooldowns.ScaleInBlocked(new CooldownState(null, null, Now.AddSeconds(-300), null), Cooldown, Now));
        Assert.False(ScalingCooldowns.ScaleInBlocked(new CooldownState(null, null, null, null), Cooldown, Now));
    }

    [Fact]
    public void A_scale_out_interrupts_the_scale_in_cooldown()
    {
        // Scaled in 100 s ago, then another alarm scaled out 50 s ago: the scale-in cooldown stopped there.
        Assert.False(ScalingCooldowns.ScaleInBlocked(new CooldownState(null, null, Now.AddSeconds(-100), Now.AddSeconds(-50)), Cooldown, Now));
        // A scale-out before the scale-in does not.
        Assert.True(ScalingCooldowns.ScaleInBlocked(new CooldownState(null, null, Now.AddSeconds(-100), Now.AddSeconds(-150)), Cooldown, Now));
    }

    [Fact]
    public void A_scale_out_is_not_held_back_by_a_scale_in_cooldown()
    {
        var scaledIn = new CooldownState(null, null, Now.AddSeconds(-10), null);
        Assert.Equal((3, 2), ScalingCooldowns.ScaleOut(2, scaledIn, Cooldown, Now, Tracking(70)));
    }
}
