using System.Collections.Concurrent;
using System.Text.Json;
using Berth.Core.Agent;
using Berth.Core.Arns;
using Berth.Core.Identity.Authorization;
using Berth.Core.Identity.Policies;
using Berth.Store;

namespace Berth.Control.Identity;

/// <summary>
/// Decides whether an authenticated caller may perform one request: the caller's principal and policies (the
/// root user needs none; a user, or a session made from its key, has the user's inline and attached policies and those
/// of its groups; a
/// role session has the role's; an agent (<see cref="AgentPrincipal"/>) has the agents' policy), the operation's
/// action and resources from <see cref="ActionCatalogue"/>, and <see cref="PolicyEvaluator"/>, with the resources'
/// tags (<see cref="ResourceTagLookup"/>) when a condition tests them. A caller's principal and parsed policies are
/// cached: changes made by this process drop the cache at once (<see cref="IdentityChanges"/>), those of another
/// server within <see cref="AccessKeys.CacheLifetime"/>.
/// </summary>
public sealed class RequestAuthorization(IStateStore store, IamUsers users, IamRoles roles, ManagedPolicies policies, ResourceTagLookup resourceTags,
    IdentityChanges changes, TimeProvider time)
{
    private const int CacheCapacity = 10_000;

    // Requests know the service they reached by its SigV4 signing name; the catalogue by botocore's name.
    private static readonly Dictionary<string, string> ServicesBySigningName =
        ActionCatalogue.Services.ToDictionary(ActionCatalogue.SigningName, StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, (Caller Caller, long Generation, DateTimeOffset ReadAt)> _callers = new(StringComparer.Ordinal);

    /// <param name="principalArn">Who signed: the root user's ARN, a user's (its sessions carry the user's ARN too), a role session's, or an agent's container instance ARN.</param>
    /// <param name="signingName">The SigV4 signing name of the service the request reached (<c>ecs</c>, <c>monitoring</c>…).</param>
    /// <param name="request">The request as the JSON of the operation's input shape.</param>
    public Task<AuthorizationDecision> AuthorizeAsync(string principalArn, ResourceScope scope, string signingName, string operation,
        JsonElement request, RequestFacts facts, CancellationToken cancellationToken)
    {
        // The root user needs no policy: its requests skip the catalogue too, which every signed request would pay for.
        if (principalArn == scope.RootPrincipalArn)
        {
            return Task.FromResult(AuthorizationDecision.Allowed);
        }
        if (!ServicesBySigningName.TryGetValue(signingName, out var service) || !ActionCatalogue.TryDescribe(service, operation, request, scope, out var target))
        {
            throw new InvalidOperationException($"The action catalogue has no operation {operation} of the service signed as {signingName}.");
        }
        return AuthorizeAsync(principalArn, scope, target, facts, cancellationToken);
    }

    private async Task<AuthorizationDecision> AuthorizeAsync(string principalArn, ResourceScope scope, AuthorizationTarget target, RequestFacts facts,
        CancellationToken cancellationToken)
    {
        var caller = await CallerAsync(scope.AccountId, principalArn, cancellationToken).ConfigureAwait(false);
        var context = RequestContext.ForRequest(caller.Principal, facts.Now, facts.SourceIp, facts.SecureTransport, scope.Region);
        if (!caller.TestsResourceTags || !target.RequiresAuthorization)
        {
            return PolicyEvaluator.Authorize(target, caller.Principal, context, caller.Policies, permissionsBoundary: caller.Boundary);
        }
        var tagged = new Dictionary<RequestedResource, RequestContext>();
        foreach (var resource in target.Resources.Distinct())
        {
            tagged[resource] = await resourceTags.ContextAsync(scope.AccountId, resource, cancellationToken).ConfigureAwait(false);
        }
        return PolicyEvaluator.Authorize(target, caller.Principal, context, caller.Policies, resource => tagged[resource], caller.Boundary);
    }

    /// <summary>
    /// Whether the caller may perform an action that no operation of its own stands for, on one resource: iam:PassRole
    /// on a role that an ECS request hands to tasks, or Berth's own actions (<c>berth:CreateAgentJoinToken</c>), which no
    /// AWS model lists. The root user may.
    /// </summary>
    /// <param name="keys">The condition keys the action sets (iam:PassedToService).</param>
    public Task<AuthorizationDecision> AuthorizeActionAsync(string principalArn, ResourceScope scope, string action, RequestedResource resource,
        RequestContext keys, RequestFacts facts, CancellationToken cancellationToken) =>
        principalArn == scope.RootPrincipalArn
            ? Task.FromResult(AuthorizationDecision.Allowed)
            : AuthorizeAsync(principalArn, scope, new AuthorizationTarget(action, [resource], keys, RequiresAuthorization: true), facts, cancellationToken);

    /// <summary>
    /// The caller as policies see it: kind, aws:userid (a user's <c>AIDA…</c> id, a role session's
    /// <c>AROA…:session</c>, the account id for root), the role's ARN for a session, and tags.
    /// </summary>
    public async Task<AuthorizationPrincipal> PrincipalAsync(string accountId, string principalArn, CancellationToken cancellationToken) =>
        (await CallerAsync(accountId, principalArn, cancellationToken).ConfigureAwait(false)).Principal;

    private async ValueTask<Caller> CallerAsync(string accountId, string principalArn, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var generation = changes.Generation;
        var key = $"{accountId} {principalArn}";
        if (_callers.TryGetValue(key, out var cached) && cached.Generation == generation && now - cached.ReadAt < AccessKeys.CacheLifetime)
        {
            return cached.Caller;
        }
        var caller = await ReadCallerAsync(accountId, principalArn, cancellationToken).ConfigureAwait(false);
        if (_callers.Count >= CacheCapacity)
        {
            // Every role session is a principal of its own: start over rather than keep expired ones forever.
            _callers.Clear();
        }
        _callers[key] = (caller, generation, now);
        return caller;
    }

    /// <summary>A principal that no longer exists (a deleted user, a session of a deleted role) keeps its name and has no policies.</summary>
    private async Task<Caller> ReadCallerAsync(string accountId, string principalArn, CancellationToken cancellationToken)
    {
        if (principalArn == PrincipalArns.Root(accountId))
        {
            return new Caller(new AuthorizationPrincipal(principalArn, accountId, PrincipalKind.Root, UserId: accountId), []);
        }
        if (AgentPrincipal.IsAgent(principalArn))
        {
            return new Caller(new AuthorizationPrincipal(principalArn, accountId, PrincipalKind.AssumedRole), [AgentPrincipal.Policy]);
        }
        if (PrincipalArns.TryParseAssumedRole(principalArn, out _, out var roleName, out var sessionName))
        {
            var role = await roles.FindAsync(accountId, roleName, cancellationToken).ConfigureAwait(false);
            var session = new AuthorizationPrincipal(principalArn, accountId, PrincipalKind.AssumedRole, RoleArn: role?.Arn,
                UserId: role is null ? null : RoleSessions.AssumedRoleId(role, sessionName), Tags: role?.Tags);
            return role is null
                ? new Caller(session, [])
                : new Caller(session, await PoliciesAsync(accountId, role.InlinePolicies, role.AttachedPolicyArns, cancellationToken).ConfigureAwait(false),
                    await BoundaryAsync(accountId, role.PermissionsBoundaryArn, cancellationToken).ConfigureAwait(false));
        }
        var user = PrincipalArns.UserName(principalArn) is { } name ? await users.FindAsync(accountId, name, cancellationToken).ConfigureAwait(false) : null;
        var principal = new AuthorizationPrincipal(principalArn, accountId, PrincipalKind.User, UserName: user?.UserName, UserId: user?.UserId, Tags: user?.Tags);
        if (user is null)
        {
            return new Caller(principal, []);
        }
        var documents = await PoliciesAsync(accountId, user.InlinePolicies, user.AttachedPolicyArns, cancellationToken).ConfigureAwait(false);
        foreach (var group in await IamGroups.OfUserAsync(store, accountId, user.UserName, cancellationToken).ConfigureAwait(false))
        {
            documents.AddRange(await PoliciesAsync(accountId, group.InlinePolicies, group.AttachedPolicyArns, cancellationToken).ConfigureAwait(false));
        }
        return new Caller(principal, documents, await BoundaryAsync(accountId, user.PermissionsBoundaryArn, cancellationToken).ConfigureAwait(false));
    }

    private async Task<List<PolicyDocument>> PoliciesAsync(string accountId, IReadOnlyDictionary<string, string> inline, IReadOnlyList<string> attached,
        CancellationToken cancellationToken)
    {
        var documents = inline.Values.Select(d => ParsedPolicies.Stored(d, PolicyKind.Identity)).ToList();
        foreach (var arn in attached)
        {
            // A policy deleted by another server meanwhile allows nothing.
            if (await policies.DocumentAsync(accountId, arn, cancellationToken).ConfigureAwait(false) is { } document)
            {
                documents.Add(document);
            }
        }
        return documents;
    }

    /// <summary>The document of a permissions boundary; one that no longer exists allows nothing, so it bounds everything away.</summary>
    private async Task<PolicyDocument?> BoundaryAsync(string accountId, string? policyArn, CancellationToken cancellationToken) =>
        policyArn is null
            ? null
            : await policies.DocumentAsync(accountId, policyArn, cancellationToken).ConfigureAwait(false) ?? new PolicyDocument(PolicyDocument.CurrentVersion, null, []);

    private sealed record Caller(AuthorizationPrincipal Principal, IReadOnlyList<PolicyDocument> Policies, PolicyDocument? Boundary = null)
    {
        /// <summary>Whether a condition tests resource tags: only then are the resources' tags read.</summary>
        public bool TestsResourceTags { get; } = Policies.Concat(Boundary is null ? [] : [Boundary]).Any(p => p.Statements.Any(s => s.Conditions.Any(c => c.Key.Contains(":ResourceTag/", StringComparison.OrdinalIgnoreCase))));
    }
}
