namespace Berth.Core.Identity.Authorization;

/// <summary>IAM's three outcomes (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).</summary>
public enum AuthorizationOutcome
{
    Allow,

    /// <summary>A Deny statement applies: nothing can allow it.</summary>
    ExplicitDeny,

    /// <summary>No statement allows it.</summary>
    ImplicitDeny,
}
