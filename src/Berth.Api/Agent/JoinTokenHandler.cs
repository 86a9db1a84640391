using Berth.Api.Protocol;
using Berth.Control.Agents;
using Berth.Control.Clusters;
using Berth.Core.Agent;
using Berth.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Agent;

/// <summary>
/// Join tokens' routes (<c>/_berth/agent/v1/tokens/create|list|revoke</c>): signed like every API request, and
/// authorized with Berth's own IAM actions on the token's cluster, so an admin needs no root key:
/// <c>berth:CreateAgentJoinToken</c>, <c>berth:ListAgentJoinTokens</c> (on <c>*</c> without a cluster),
/// <c>berth:RevokeAgentJoinToken</c>.
/// </summary>
internal sealed class JoinTokenHandler(AgentJoinTokens tokens, ClusterState clusters, RequestContexts contexts)
{
    public async Task<CreateJoinTokenResponse> CreateAsync(HttpContext http, ReadOnlyMemory<byte> body, CreateJoinTokenRequest request, string requestId)
    {
        var context = await ContextAsync(http, body, requestId).ConfigureAwait(false);
        var cluster = await clusters.ActiveClusterAsync(context.Scope, request.Cluster, http.RequestAborted).ConfigureAwait(false);
        await contexts.AuthorizeActionAsync(http.Request, context, "berth:CreateAgentJoinToken", cluster.ClusterArn!, http.RequestAborted).ConfigureAwait(false);
        var lifetime = request.ExpiresInSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : AgentJoinTokens.DefaultLifetime;
        if (lifetime < TimeSpan.FromMinutes(1) || lifetime > AgentJoinTokens.MaxLifetime)
        {
            throw new InvalidParameterException($"expiresInSeconds must be between 60 and {(long)AgentJoinTokens.MaxLifetime.TotalSeconds}.");
        }
        var (token, joinToken) = await tokens.CreateAsync(context.Scope.AccountId, cluster.ClusterArn!, lifetime, context.PrincipalArn, http.RequestAborted)
            .ConfigureAwait(false);
        return new CreateJoinTokenResponse { Token = JoinTokenView.Of(token), JoinToken = joinToken };
    }

    public async Task<ListJoinTokensResponse> ListAsync(HttpContext http, ReadOnlyMemory<byte> body, ListJoinTokensRequest request, string requestId)
    {
        var context = await ContextAsync(http, body, requestId).ConfigureAwait(false);
        var clusterArn = request.Cluster is null
            ? null
            : (await clusters.ActiveClusterAsync(context.Scope, request.Cluster, http.RequestAborted).ConfigureAwait(false)).ClusterArn!;
        await contexts.AuthorizeActionAsync(http.Request, context, "berth:ListAgentJoinTokens", clusterArn ?? "*", http.RequestAborted).ConfigureAwait(false);
        var found = await tokens.ListAsync(context.Scope.AccountId, clusterArn, http.RequestAborted).ConfigureAwait(false);
        return new ListJoinTokensResponse { Tokens = [.. found.Select(JoinTokenView.Of)] };
    }

    /// <summary>Agents that joined with the token keep their identities; deregistering an instance revokes its agent's.</summary>
    public async Task<JoinTokenView> RevokeAsync(HttpContext http, ReadOnlyMemory<byte> body, RevokeJoinTokenRequest request, string requestId)
    {
        var context = await ContextAsync(http, body, requestId).ConfigureAwait(false);
        var id = request.TokenId is { Length: > 0 } given ? given : throw new InvalidParameterException("tokenId is required.");
        var token = await tokens.FindAsync(id, http.RequestAborted).ConfigureAwait(false);
        await contexts.AuthorizeActionAsync(http.Request, context, "berth:RevokeAgentJoinToken", token?.ClusterArn ?? "*", http.RequestAborted).ConfigureAwait(false);
        if (token is null || !await tokens.RevokeAsync(id, http.RequestAborted).ConfigureAwait(false))
        {
            throw new InvalidParameterException($"There is no join token {id}.");
        }
        return JoinTokenView.Of(token);
    }

    private Task<RequestContext> ContextAsync(HttpContext http, ReadOnlyMemory<byte> body, string requestId) =>
        contexts.CreateAsync(http.Request, body, requestId, SignedRoutes.SigningName, http.RequestAborted);
}
