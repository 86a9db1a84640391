using Berth.Core.Identity.Policies;

namespace Berth.Core.Identity.Authorization;

/// <summary>
/// One authorization question: may this principal perform this action on this resource, given these policies?
/// </summary>
/// <param name="Principal">The caller.</param>
/// <param name="Action">The IAM action, e.g. <c>ecs:RunTask</c>.</param>
/// <param name="Resource">The resource's ARN, or <c>*</c> for actions without resource-level permissions.</param>
/// <param name="Context">The request context keys, including the resource's tags.</param>
/// <param name="IdentityPolicies">Every policy of the caller: inline and attached, of the user or of the session's role.</param>
/// <param name="ResourcePolicy">
/// A policy attached to the resource (a secret's resource policy), which can allow on its own when it names
/// the caller.
/// </param>
/// <param name="TrustPolicy">
/// For sts:AssumeRole and for passing a role to a service, the role's trust policy, which must allow: a role is
/// assumed only by principals its trust policy names.
/// </param>
/// <param name="PermissionsBoundary">
/// The caller's permissions boundary (a user's or its role's), if it has one: what the identity policies allow is
/// allowed only if the boundary allows it too.
/// </param>
public sealed record AuthorizationRequest(
    AuthorizationPrincipal Principal,
    string Action,
    string Resource,
    RequestContext Context,
    IReadOnlyList<PolicyDocument> IdentityPolicies,
    PolicyDocument? ResourcePolicy = null,
    PolicyDocument? TrustPolicy = null,
    PolicyDocument? PermissionsBoundary = null);
