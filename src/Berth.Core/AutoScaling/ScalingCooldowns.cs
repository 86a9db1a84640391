namespace Berth.Core.AutoScaling;

/// <summary>
/// What the cooldowns of a policy look at: its last scale-out (and the capacity that scale-out was computed from), its
/// last scale-in, and the newest scale-out of any policy of the same scalable target.
/// </summary>
public sealed record CooldownState(DateTimeOffset? LastScaleOut, int? ScaledOutFrom, DateTimeOffset? LastScaleIn, DateTimeOffset? TargetLastScaleOut);

/// <summary>
/// Application Auto Scaling's cooldowns (ScaleOutCooldown and ScaleInCooldown of target tracking, Cooldown of step
/// scaling). "While the scale-out cooldown period is in effect, the capacity that has been added by the previous scale
/// out event that initiated the cooldown is calculated as part of the desired capacity for the next scale out": a
/// further scale-out is computed from the capacity before that scale-out and happens only when it asks for more than
/// there is now. Scale-in "activities are blocked until the cooldown period has expired. However, if another alarm
/// triggers a scale-out activity during the scale-in cooldown period, Application Auto Scaling scales out the target
/// immediately. In this case, the scale-in cooldown period stops and doesn't complete."
/// </summary>
public static class ScalingCooldowns
{
    /// <summary>A scale-out's capacity and the capacity it was computed from; null when it would add nothing.</summary>
    /// <param name="capacityFrom">The capacity the policy asks for when computed from a given capacity.</param>
    public static (int Capacity, int From)? ScaleOut(int current, CooldownState state, TimeSpan cooldown, DateTimeOffset now, Func<int, int?> capacityFrom)
    {
        var from = state.LastScaleOut is { } at && now < at + cooldown && state.ScaledOutFrom is { } before ? Math.Min(before, current) : current;
        return capacityFrom(from) is { } wanted && wanted > current ? (wanted, from) : null;
    }

    /// <summary>Whether a scale-in must wait: within the cooldown of the policy's last scale-in, unless a scale-out has interrupted it since.</summary>
    public static bool ScaleInBlocked(CooldownState state, TimeSpan cooldown, DateTimeOffset now) =>
        state.LastScaleIn is { } at && now < at + cooldown && !(state.TargetLastScaleOut is { } scaledOut && scaledOut > at);
}
