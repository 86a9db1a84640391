namespace Berth.Core.Leadership;

/// <summary>
/// Who runs the controllers that must run once among several servers sharing one store, and until when. Its holder
/// renews it long before <see cref="ExpiresAt"/>; any server may take it over once that has passed.
/// </summary>
/// <param name="Holder">The server's id (<c>host:pid:random</c>), unique per process.</param>
/// <param name="ExpiresAt">When the holder's term ends unless it renews; taken on the holder's clock.</param>
public sealed record ControllerLease(string Holder, DateTimeOffset ExpiresAt);

/// <summary>What a server does with the lease it has just read.</summary>
public enum LeaseAction
{
    /// <summary>Held by another server and not expired: keep away, read again later.</summary>
    Wait,

    /// <summary>Held by this server and not expired: extend it, keeping the fencing token.</summary>
    Renew,

    /// <summary>Absent or expired: take it with a new fencing token, even if this server held it last.</summary>
    TakeOver,
}
