using System.Diagnostics.CodeAnalysis;

namespace Berth.Core.Identity.Authorization;

/// <summary>
/// The ARNs IAM and STS give principals: <c>arn:aws:iam::123456789012:root</c>, <c>…:user/path/alice</c>,
/// <c>…:role/path/web</c>, and a role session's <c>arn:aws:sts::123456789012:assumed-role/web/session</c>
/// (which carries the role's name but not its path).
/// </summary>
public static class PrincipalArns
{
    public static string Root(string accountId) => $"arn:aws:iam::{accountId}:root";

    public static string AssumedRole(string accountId, string roleName, string sessionName) =>
        $"arn:aws:sts::{accountId}:assumed-role/{roleName}/{sessionName}";

    /// <summary>The user name of a user's ARN, null for another principal.</summary>
    public static string? UserName(string principalArn) => NameAfter(principalArn, ":user/");

    /// <summary>The role name of a role's ARN (not a session's), null for another principal.</summary>
    public static string? RoleName(string roleArn) => NameAfter(roleArn, ":role/");

    /// <summary>The account, role name and session name of a role session's ARN.</summary>
    public static bool TryParseAssumedRole(string principalArn, [NotNullWhen(true)] out string? accountId, [NotNullWhen(true)] out string? roleName,
        [NotNullWhen(true)] out string? sessionName)
    {
        accountId = roleName = sessionName = null;
        var parts = principalArn.Split(':', 6);
        if (parts is not [_, _, "sts", _, var account, var resource] || !resource.StartsWith("assumed-role/", StringComparison.Ordinal))
        {
            return false;
        }
        var names = resource["assumed-role/".Length..].Split('/');
        if (names is not [{ Length: > 0 } role, { Length: > 0 } session])
        {
            return false;
        }
        (accountId, roleName, sessionName) = (account, role, session);
        return true;
    }

    private static string? NameAfter(string arn, string marker) =>
        arn.StartsWith("arn:", StringComparison.Ordinal) && arn.Contains(marker, StringComparison.Ordinal) ? arn[(arn.LastIndexOf('/') + 1)..] : null;
}
