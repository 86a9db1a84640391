using System.Text.Json;
using Berth.Api.Ecs.ContainerInstances;
using Berth.Api.Protocol;
using Berth.Control.Agents;
using Berth.Core.Agent;
using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Agent;

/// <summary>
/// <c>POST /_berth/agent/v1/join</c> (<see cref="AgentJoinRequest"/>): registers the agent's instance exactly as
/// RegisterContainerInstance does and issues the instance its own access key (<see cref="AgentIdentities"/>). The
/// caller proves it may join with a join token for the registration's cluster (then the request needs no signature),
/// or by signing with a key allowed ecs:RegisterContainerInstance on it: the root key, an admin's.
/// </summary>
internal sealed class AgentJoinHandler(
    ContainerInstanceHandler instances, AgentIdentities identities, AgentJoinTokens tokens, RequestContexts contexts, ApiOptions options, TimeProvider time)
{
    public async Task<AgentJoinResponse> JoinAsync(HttpContext http, ReadOnlyMemory<byte> body, AgentJoinRequest request, string requestId)
    {
        var cancellationToken = http.RequestAborted;
        var registration = request.Registration ?? throw new InvalidParameterException("registration is required.");
        var context = request.JoinToken is { } token
            ? await TokenContextAsync(token, registration, requestId, cancellationToken).ConfigureAwait(false)
            : await SignedContextAsync(http, registration, body, requestId, cancellationToken).ConfigureAwait(false);
        var registered = await instances.RegisterAsync(registration, context, cancellationToken).ConfigureAwait(false);
        var instance = registered.ContainerInstance!;
        var key = await identities.IssueAsync(context.Scope.AccountId, instance.ContainerInstanceArn!, cancellationToken).ConfigureAwait(false);
        return new AgentJoinResponse
        {
            ContainerInstance = instance,
            Credentials = new AgentKey { AccessKeyId = key.AccessKeyId, SecretAccessKey = key.SecretAccessKey },
        };
    }

    /// <summary>A valid token for the registration's cluster acts for the admin who made it, in the cluster's region.</summary>
    private async Task<RequestContext> TokenContextAsync(string token, RegisterContainerInstanceRequest registration, string requestId,
        CancellationToken cancellationToken)
    {
        var found = await tokens.VerifyAsync(token, cancellationToken).ConfigureAwait(false)
            ?? throw new AccessDeniedException("The join token is not valid: it is malformed, unknown, revoked or expired.");
        var scope = EcsArn.TryParse(found.ClusterArn, out var cluster) ? cluster.Scope : new ResourceScope(options.DefaultRegion, options.AccountId);
        var named = registration.Cluster is { Length: > 0 } name ? name : "default";
        if (named != found.ClusterArn && scope.ClusterArn(named) != found.ClusterArn)
        {
            throw new AccessDeniedException($"The join token is for {found.ClusterArn}, not cluster {named}.");
        }
        return new RequestContext(scope, requestId, found.CreatedBy, time.GetUtcNow());
    }

    /// <summary>Joining with credentials: those of the root user or of a principal allowed ecs:RegisterContainerInstance; never an agent's own.</summary>
    private async Task<RequestContext> SignedContextAsync(HttpContext http, RegisterContainerInstanceRequest registration, ReadOnlyMemory<byte> body,
        string requestId, CancellationToken cancellationToken)
    {
        var context = await contexts.CreateAsync(http.Request, body, requestId, SignedRoutes.SigningName, cancellationToken).ConfigureAwait(false);
        if (AgentPrincipal.IsAgent(context.PrincipalArn))
        {
            throw new AccessDeniedException($"User: {context.PrincipalArn} is not authorized to join: an agent with an identity re-registers with RegisterContainerInstance");
        }
        await contexts.AuthorizeAsync(http.Request, context, SignedRoutes.SigningName, "RegisterContainerInstance",
            JsonSerializer.SerializeToUtf8Bytes(registration, EcsJsonContext.Default.RegisterContainerInstanceRequest), cancellationToken).ConfigureAwait(false);
        return context;
    }
}
