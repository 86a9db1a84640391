using Berth.Core.Identity.Authorization;
using Berth.Core.Identity.Credentials;

namespace Berth.Control.Identity;

/// <summary>
/// Temporary credentials for a session of a role (STS's AssumeRole, a task's role): an <c>ASIA…</c> key with a
/// session token and an expiry whose principal is the session's ARN, which authorization maps back to the role.
/// Whether the session may be started (trust policy, duration limits) is the caller's decision.
/// </summary>
public sealed class RoleSessions(AccessKeys keys, TimeProvider time)
{
    public async Task<RoleSession> StartAsync(string accountId, IamRoleRecord role, string sessionName, TimeSpan duration, CancellationToken cancellationToken)
    {
        var arn = PrincipalArns.AssumedRole(accountId, role.RoleName, sessionName);
        // Credentials expire on a whole second, as STS reports them.
        var expiration = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds() + (long)duration.TotalSeconds);
        var key = await keys.CreateAsync(accountId, arn, AccessKeyRecord.TemporaryPrefix, expiration, cancellationToken, role.RoleId).ConfigureAwait(false);
        return new RoleSession(key, AssumedRoleId(role, sessionName), arn);
    }

    /// <summary>STS's AssumedRoleId and the session's aws:userid: <c>AROA…:session</c>.</summary>
    public static string AssumedRoleId(IamRoleRecord role, string sessionName) => $"{role.RoleId}:{sessionName}";
}

/// <summary>A started role session: its credentials (shown once), its AssumedRoleId and its ARN.</summary>
public sealed record RoleSession(IssuedKey Credentials, string AssumedRoleId, string Arn);
