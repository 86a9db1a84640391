using System.Text.Json;
using Berth.Core.Agent;
using Berth.Core.Arns;
using Berth.Core.Identity.Authorization;
using Berth.Core.Identity.Policies;

namespace Berth.Control.Identity;

/// <summary>
/// Decides whether an authenticated caller may perform one request: the caller's principal and policies (the
/// root user needs none; a user, or a session made from its key, has its inline and attached policies), the
/// operation's action and resources from <see cref="ActionCatalogue"/>, and <see cref="PolicyEvaluator"/>. An agent
/// (<see cref="AgentPrincipal"/>) has the agents' policy.
/// </summary>
public sealed class RequestAuthorization(IamUsers users)
{
    private static readonly Dictionary<string, PolicyDocument> ManagedPolicies =
        AwsManagedPolicies.All.ToDictionary(p => p.Arn, p => p.Parse(), StringComparer.Ordinal);

    // Requests know the service they reached by its SigV4 signing name; the catalogue by botocore's name.
    private static readonly Dictionary<string, string> ServicesBySigningName =
        ActionCatalogue.Services.ToDictionary(ActionCatalogue.SigningName, StringComparer.Ordinal);

    /// <param name="principalArn">Who signed: the root user's ARN, a user's (its sessions carry the user's ARN too), or an agent's container instance ARN.</param>
    /// <param name="signingName">The SigV4 signing name of the service the request reached (<c>ecs</c>, <c>monitoring</c>…).</param>
    /// <param name="request">The request as the JSON of the operation's input shape.</param>
    public Task<AuthorizationDecision> AuthorizeAsync(string principalArn, ResourceScope scope, string signingName, string operation,
        JsonElement request, RequestFacts facts, CancellationToken cancellationToken)
    {
        if (!ServicesBySigningName.TryGetValue(signingName, out var service) || !ActionCatalogue.TryDescribe(service, operation, request, scope, out var target))
        {
            throw new InvalidOperationException($"The action catalogue has no operation {operation} of the service signed as {signingName}.");
        }
        return AuthorizeAsync(principalArn, scope, target, facts, cancellationToken);
    }

    /// <summary>Authorizes one action on one resource: Berth's own actions (<c>berth:CreateAgentJoinToken</c>), which no AWS model lists.</summary>
    public Task<AuthorizationDecision> AuthorizeActionAsync(string principalArn, ResourceScope scope, string action, string resourceArn, RequestFacts facts,
        CancellationToken cancellationToken) =>
        AuthorizeAsync(principalArn, scope, new AuthorizationTarget(action, [new RequestedResource(resourceArn, "*", IsExact: true)], RequestContext.Empty,
            RequiresAuthorization: true), facts, cancellationToken);

    private async Task<AuthorizationDecision> AuthorizeAsync(string principalArn, ResourceScope scope, AuthorizationTarget target, RequestFacts facts,
        CancellationToken cancellationToken)
    {
        if (principalArn == scope.RootPrincipalArn)
        {
            return AuthorizationDecision.Allowed;
        }
        if (AgentPrincipal.IsAgent(principalArn))
        {
            var agent = new AuthorizationPrincipal(principalArn, scope.AccountId, PrincipalKind.AssumedRole);
            return PolicyEvaluator.Authorize(target, agent, RequestContext.ForRequest(agent, facts.Now, facts.SourceIp, facts.SecureTransport, scope.Region),
                [AgentPrincipal.Policy]);
        }
        var user = IamUsers.UserNameOf(principalArn) is { } name ? await users.FindAsync(scope.AccountId, name, cancellationToken).ConfigureAwait(false) : null;
        var principal = new AuthorizationPrincipal(principalArn, scope.AccountId, PrincipalKind.User, UserName: user?.UserName,
            UserId: user?.UserId, Tags: user?.Tags);
        var policies = user is null
            ? []
            : user.InlinePolicies.Values.Select(Parse).Concat(user.AttachedPolicyArns.Select(a => ManagedPolicies[a])).ToList();
        var context = RequestContext.ForRequest(principal, facts.Now, facts.SourceIp, facts.SecureTransport, scope.Region);
        return PolicyEvaluator.Authorize(target, principal, context, policies);
    }

    // Stored documents were validated when they were put.
    private static PolicyDocument Parse(string document) =>
        PolicyDocument.TryParse(document, PolicyKind.Identity, out var parsed, out var error)
            ? parsed
            : throw new InvalidOperationException($"A stored inline policy no longer parses: {error}");
}
