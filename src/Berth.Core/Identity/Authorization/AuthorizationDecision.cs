namespace Berth.Core.Identity.Authorization;

/// <summary>The answer to an <see cref="AuthorizationRequest"/>, with AWS's AccessDenied message when it is a deny.</summary>
public sealed record AuthorizationDecision(AuthorizationOutcome Outcome, string? DenialMessage)
{
    public bool IsAllowed => Outcome == AuthorizationOutcome.Allow;

    public static readonly AuthorizationDecision Allowed = new(AuthorizationOutcome.Allow, null);

    /// <summary>"User: … is not authorized to perform: ecs:RunTask on resource: … with an explicit deny in an identity-based policy".</summary>
    internal static AuthorizationDecision ExplicitDeny(AuthorizationRequest request, string policyType) =>
        new(AuthorizationOutcome.ExplicitDeny, $"{Subject(request)} with an explicit deny in {Article(policyType)} {Policy(policyType)}");

    /// <summary>"User: … is not authorized to perform: ecs:RunTask on resource: … because no identity-based policy allows the ecs:RunTask action".</summary>
    internal static AuthorizationDecision ImplicitDeny(AuthorizationRequest request, string policyType) =>
        new(AuthorizationOutcome.ImplicitDeny, $"{Subject(request)} because no {Policy(policyType)} allows the {request.Action} action");

    private static string Subject(AuthorizationRequest request) =>
        $"User: {request.Principal.Arn} is not authorized to perform: {request.Action} on resource: {request.Resource}";

    /// <summary>AWS says "identity-based policy" but "permissions boundary".</summary>
    private static string Policy(string policyType) => policyType.EndsWith("based", StringComparison.Ordinal) ? $"{policyType} policy" : policyType;

    private static string Article(string policyType) => policyType.StartsWith("identity", StringComparison.Ordinal) ? "an" : "a";
}
