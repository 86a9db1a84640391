using Berth.Core.Elb;
using Berth.Core.Identity.Policies;

namespace Berth.Core.Identity.Authorization;

/// <summary>
/// IAM's policy evaluation logic for requests within an account
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html): an explicit
/// Deny in any policy wins; otherwise an Allow in an identity policy, or a resource policy that names the
/// caller, allows; otherwise the request is implicitly denied. A role's trust policy must itself allow. A
/// permissions boundary limits what the identity policies allow: both must allow (a resource policy that names the
/// caller still allows on its own). Berth has no organizations or session policies, so those layers are absent.
/// </summary>
public static class PolicyEvaluator
{
    private const string IdentityBased = "identity-based";
    private const string ResourceBased = "resource-based";
    private const string Boundary = "permissions boundary";

    /// <summary>
    /// Authorizes one API request (<see cref="ActionCatalogue.TryDescribe"/>): every resource must be allowed, and
    /// the first that is not decides. The context of each resource is the request's, the target's own keys and
    /// <paramref name="resourceContext"/>'s (the resource's tags).
    /// </summary>
    /// <param name="permissionsBoundary">The caller's permissions boundary, if it has one.</param>
    public static AuthorizationDecision Authorize(AuthorizationTarget target, AuthorizationPrincipal principal, RequestContext requestContext,
        IReadOnlyList<PolicyDocument> identityPolicies, Func<RequestedResource, RequestContext>? resourceContext = null, PolicyDocument? permissionsBoundary = null)
    {
        if (!target.RequiresAuthorization)
        {
            return AuthorizationDecision.Allowed;
        }
        var context = requestContext.Merge(target.Context);
        foreach (var resource in target.Resources)
        {
            var decision = Evaluate(new AuthorizationRequest(principal, target.Action, resource.Arn,
                resourceContext is null ? context : context.Merge(resourceContext(resource)), identityPolicies, PermissionsBoundary: permissionsBoundary));
            if (!decision.IsAllowed)
            {
                return decision;
            }
        }
        return AuthorizationDecision.Allowed;
    }

    public static AuthorizationDecision Evaluate(AuthorizationRequest request)
    {
        var identity = Scan(request.IdentityPolicies, request, checkPrincipal: false);
        var resource = Scan(request.ResourcePolicy is null ? [] : [request.ResourcePolicy], request, checkPrincipal: true);
        var trust = Scan(request.TrustPolicy is null ? [] : [request.TrustPolicy], request, checkPrincipal: true);
        if (identity.Denied)
        {
            return AuthorizationDecision.ExplicitDeny(request, IdentityBased);
        }
        var boundary = Scan(request.PermissionsBoundary is null ? [] : [request.PermissionsBoundary], request, checkPrincipal: false);
        if (boundary.Denied)
        {
            return AuthorizationDecision.ExplicitDeny(request, Boundary);
        }
        if (resource.Denied || trust.Denied)
        {
            return AuthorizationDecision.ExplicitDeny(request, ResourceBased);
        }
        // The root user needs no identity policy for its own account's resources.
        var identityAllows = identity.Allowed > PrincipalMatch.None || request.Principal.Kind == PrincipalKind.Root;
        if (identityAllows && request.PermissionsBoundary is not null && boundary.Allowed == PrincipalMatch.None)
        {
            return resource.Allowed >= PrincipalMatch.Everyone && request.TrustPolicy is null
                ? AuthorizationDecision.Allowed
                : AuthorizationDecision.ImplicitDeny(request, Boundary);
        }
        if (request.TrustPolicy is not null)
        {
            return trust.Allowed switch
            {
                PrincipalMatch.None => AuthorizationDecision.ImplicitDeny(request, ResourceBased),
                // A trust policy naming the account hands the decision to the account's identity policies.
                PrincipalMatch.Account when !identityAllows => AuthorizationDecision.ImplicitDeny(request, IdentityBased),
                _ => AuthorizationDecision.Allowed,
            };
        }
        return resource.Allowed >= PrincipalMatch.Everyone || identityAllows
            ? AuthorizationDecision.Allowed
            : AuthorizationDecision.ImplicitDeny(request, IdentityBased);
    }

    /// <summary>
    /// Whether a role's trust policy lets <paramref name="principal"/> perform <paramref name="action"/> on the role:
    /// no statement denies it, and one allows it by naming the principal itself (a user, a role or session, a
    /// service such as <c>ecs-tasks.amazonaws.com</c>), everyone, or the principal's account. Naming the account
    /// delegates to the account's identity policies, which the caller checks separately (for sts:AssumeRole, the
    /// request's own authorization; for iam:PassRole, the passer's).
    /// </summary>
    /// <param name="context">The request's keys, with sts:ExternalId, sts:RoleSessionName and aws:RequestTag/* for AssumeRole.</param>
    public static AuthorizationDecision EvaluateTrust(PolicyDocument trustPolicy, AuthorizationPrincipal principal, string roleArn, RequestContext context,
        string action = "sts:AssumeRole")
    {
        var request = new AuthorizationRequest(principal, action, roleArn, context, [], TrustPolicy: trustPolicy);
        var (denied, allowed) = Scan([trustPolicy], request, checkPrincipal: true);
        if (denied)
        {
            return AuthorizationDecision.ExplicitDeny(request, ResourceBased);
        }
        return allowed > PrincipalMatch.None ? AuthorizationDecision.Allowed : AuthorizationDecision.ImplicitDeny(request, ResourceBased);
    }

    /// <summary>Whether a Deny applies, and how strongly an Allow applies (for identity policies: Specific or None).</summary>
    private static (bool Denied, PrincipalMatch Allowed) Scan(IEnumerable<PolicyDocument> policies, AuthorizationRequest request, bool checkPrincipal)
    {
        var denied = false;
        var allowed = PrincipalMatch.None;
        foreach (var policy in policies)
        {
            foreach (var statement in policy.Statements)
            {
                var match = Applies(statement, policy.SubstitutesVariables, request, checkPrincipal);
                if (match == PrincipalMatch.None)
                {
                    continue;
                }
                if (statement.Effect == PolicyEffect.Deny)
                {
                    denied = true;
                }
                else if (match > allowed)
                {
                    allowed = match;
                }
            }
        }
        return (denied, allowed);
    }

    private static PrincipalMatch Applies(PolicyStatement statement, bool substituteVariables, AuthorizationRequest request, bool checkPrincipal)
    {
        var principal = PrincipalMatch.Specific;
        if (checkPrincipal)
        {
            if (statement.Principal is null)
            {
                return PrincipalMatch.None;
            }
            principal = PrincipalMatcher.Match(statement.Principal, request.Principal);
            if (statement.Principal.IsNot)
            {
                // NotPrincipal applies to everyone it does not name.
                principal = principal == PrincipalMatch.None ? PrincipalMatch.Everyone : PrincipalMatch.None;
            }
            if (principal == PrincipalMatch.None)
            {
                return principal;
            }
        }
        var applies = Matches(statement.Action, p => PathPattern.Matches(p, request.Action, ignoreCase: true))
            && (statement.Resource is null || Matches(statement.Resource, p => ResourceMatches(p, request, substituteVariables)))
            && statement.Conditions.All(c => ConditionEvaluator.Matches(c, request.Context, substituteVariables));
        return applies ? principal : PrincipalMatch.None;
    }

    private static bool Matches(PolicyMatch element, Func<string, bool> matches) => element.Patterns.Any(matches) != element.IsNot;

    /// <summary>Resource ARNs match case-sensitively, after policy variables are substituted.</summary>
    private static bool ResourceMatches(string pattern, AuthorizationRequest request, bool substituteVariables)
    {
        var resolved = substituteVariables ? PolicyVariables.Substitute(pattern, request.Context) : pattern;
        return resolved is not null && PathPattern.Matches(resolved, request.Resource);
    }
}
