namespace Berth.Core.Identity.Authorization;

/// <summary>The caller of a request, as policies see it.</summary>
/// <param name="Arn">
/// The caller as AWS names it in AccessDenied messages: <c>arn:aws:iam::123456789012:user/alice</c>,
/// <c>arn:aws:sts::123456789012:assumed-role/web/session</c>, <c>arn:aws:iam::123456789012:root</c>, or for a
/// service principal its name (<c>ecs-tasks.amazonaws.com</c>).
/// </param>
/// <param name="AccountId">The caller's account.</param>
/// <param name="Kind">User, role session, root or service.</param>
/// <param name="RoleArn">For a role session, the role's ARN: aws:PrincipalArn, and what resource policies name.</param>
/// <param name="UserName">For a user, aws:username.</param>
/// <param name="UserId">aws:userid: a user's unique id, <c>role-id:session</c> for a session, the account id for root.</param>
/// <param name="Tags">The user's or role's tags (aws:PrincipalTag/*).</param>
public sealed record AuthorizationPrincipal(
    string Arn,
    string AccountId,
    PrincipalKind Kind,
    string? RoleArn = null,
    string? UserName = null,
    string? UserId = null,
    IReadOnlyDictionary<string, string>? Tags = null)
{
    /// <summary>aws:PrincipalArn: the role's ARN for a session, the caller's ARN otherwise.</summary>
    public string PrincipalArn => RoleArn ?? Arn;

    public static AuthorizationPrincipal ServicePrincipal(string service) => new(service, "", PrincipalKind.Service);
}
