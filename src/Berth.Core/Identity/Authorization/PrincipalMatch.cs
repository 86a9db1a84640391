using Berth.Core.Identity.Policies;

namespace Berth.Core.Identity.Authorization;

/// <summary>How a resource or trust policy's Principal element names the caller; stronger matches are larger.</summary>
internal enum PrincipalMatch
{
    None,

    /// <summary>The caller's account (its root ARN): the account delegates the decision to its identity policies.</summary>
    Account,

    /// <summary><c>*</c>: everyone.</summary>
    Everyone,

    /// <summary>The caller itself: its user ARN, its role's ARN or its session's ARN, or its service name.</summary>
    Specific,
}

internal static class PrincipalMatcher
{
    public static PrincipalMatch Match(PolicyPrincipals principals, AuthorizationPrincipal caller)
    {
        if (principals.IsEveryone)
        {
            return PrincipalMatch.Everyone;
        }
        var best = PrincipalMatch.None;
        if (caller.Kind == PrincipalKind.Service)
        {
            return principals.OfType("Service").Contains(caller.Arn, StringComparer.Ordinal) ? PrincipalMatch.Specific : best;
        }
        foreach (var named in principals.OfType("AWS"))
        {
            var match = named switch
            {
                "*" => PrincipalMatch.Everyone,
                _ when named == caller.Arn || named == caller.RoleArn => PrincipalMatch.Specific,
                _ when IsRootOf(named, caller.AccountId) => caller.Kind == PrincipalKind.Root ? PrincipalMatch.Specific : PrincipalMatch.Account,
                _ => PrincipalMatch.None,
            };
            best = match > best ? match : best;
        }
        return best;
    }

    private static bool IsRootOf(string arn, string accountId) =>
        arn.StartsWith("arn:", StringComparison.Ordinal) && arn.EndsWith($":iam::{accountId}:root", StringComparison.Ordinal);
}
