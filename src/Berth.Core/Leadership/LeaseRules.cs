namespace Berth.Core.Leadership;

/// <summary>
/// The controller lease's rules. The fencing token is not in the lease: it is the version of a fence record that only
/// a <see cref="LeaseAction.TakeOver"/> moves, so renewals leave the leader's in-flight commits valid while a takeover
/// makes every commit of the previous holder fail.
/// </summary>
public static class LeaseRules
{
    /// <summary>How long a lease lasts from its last renewal: a dead leader is replaced within this (and one renewal).</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(3);

    /// <summary>How often the holder renews and the others look: three tries before the lease expires.</summary>
    public static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(1);

    public static LeaseAction Decide(ControllerLease? current, string server, DateTimeOffset now) => current switch
    {
        null => LeaseAction.TakeOver,
        _ when IsExpired(current, now) => LeaseAction.TakeOver,
        _ when current.Holder == server => LeaseAction.Renew,
        _ => LeaseAction.Wait,
    };

    /// <summary>
    /// Expired from its very expiry instant. An expired lease is taken over with a new token even by its last holder:
    /// that holder's controllers stopped when it expired, and a commit of theirs still in flight must not pass the fence.
    /// </summary>
    public static bool IsExpired(ControllerLease lease, DateTimeOffset now) => now >= lease.ExpiresAt;

    /// <summary>The lease <paramref name="server"/> writes when it takes it over or renews it at <paramref name="now"/>.</summary>
    public static ControllerLease Held(string server, DateTimeOffset now) => new(server, now + Duration);

    /// <summary>The lease a holder writes when it stops, so another server (or its own restart) takes over at once.</summary>
    public static ControllerLease Released(ControllerLease lease, DateTimeOffset now) => lease with { ExpiresAt = now };
}
