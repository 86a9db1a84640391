using System.Text.Json;
using Berth.Control.Identity;
using Berth.Core.Agent;
using Berth.Core.Arns;
using Berth.Core.Identity.Authorization;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Protocol;

/// <summary>
/// Builds a handler's <see cref="RequestContext"/> from an HTTP request, the same way for every protocol: the one
/// place where a request is authenticated (<see cref="ApiOptions.Auth"/>) and its caller and region are decided,
/// and where it is authorized (<see cref="AuthorizeAsync"/>).
/// </summary>
public sealed class RequestContexts(ApiOptions options, RequestAuthenticator authenticator, RequestAuthorization authorization, RolePassing rolePassing,
    TimeProvider time)
{
    /// <param name="body">The body as received, which the signature covers.</param>
    /// <param name="signingName">The signing name of the service the request reached, or null where the credential scope chooses it.</param>
    public async Task<RequestContext> CreateAsync(HttpRequest request, ReadOnlyMemory<byte> body, string requestId, string? signingName,
        CancellationToken cancellationToken)
    {
        if (options.Auth == AuthMode.Off)
        {
            // Every caller acts as the account's root user; the region is the signed one, as AWS takes it.
            var credential = SigV4CredentialScope.Parse(request.Headers.Authorization.ToString());
            var scope = new ResourceScope(credential?.Region ?? options.DefaultRegion, options.AccountId);
            return new RequestContext(scope, requestId, scope.RootPrincipalArn, time.GetUtcNow()) { Endpoint = EndpointOf(request) };
        }
        var (identity, key) = await authenticator.AuthenticateAsync(request, body, signingName, cancellationToken).ConfigureAwait(false);
        return new RequestContext(new ResourceScope(identity.Region, options.AccountId), requestId, key.PrincipalArn, time.GetUtcNow(), key.AccessKeyId)
        {
            Endpoint = EndpointOf(request),
        };
    }

    /// <summary>
    /// Refuses an authenticated request its caller's policies do not allow (<see cref="RequestAuthorization"/>), or that
    /// hands tasks a role the caller may not pass or ECS could not assume (<see cref="RolePassing"/>); with auth off
    /// every caller is the root user, allowed everything.
    /// </summary>
    /// <param name="signingName">The signing name of the service the operation belongs to (<c>ecs</c>, <c>monitoring</c>…).</param>
    /// <param name="json">The request as the JSON of the operation's input shape.</param>
    public async Task AuthorizeAsync(HttpRequest request, RequestContext context, string signingName, string operation, ReadOnlyMemory<byte> json,
        CancellationToken cancellationToken)
    {
        if (context.AccessKeyId is null)
        {
            return;
        }
        using var document = Parse(json);
        var facts = FactsOf(request, context);
        var decision = await authorization.AuthorizeAsync(context.PrincipalArn, context.Scope, signingName, operation, document.RootElement, facts,
            cancellationToken).ConfigureAwait(false);
        if (decision.IsAllowed && signingName == "ecs")
        {
            decision = await rolePassing.CheckAsync(context.PrincipalArn, context.Scope, operation, document.RootElement, facts, cancellationToken).ConfigureAwait(false);
        }
        if (!decision.IsAllowed)
        {
            throw new AccessDeniedException(decision.DenialMessage!);
        }
    }

    /// <summary>
    /// Berth's own routes without IAM actions (spot interruptions): only the root user may call them.
    /// </summary>
    public static void RequireRoot(RequestContext context, string route)
    {
        if (context.AccessKeyId is not null && context.PrincipalArn != context.Scope.RootPrincipalArn)
        {
            throw new AccessDeniedException($"User: {context.PrincipalArn} is not authorized to call {route}: only the account's root user may");
        }
    }

    /// <summary>The agent protocol: agents, with their own identities (<see cref="AgentPrincipal"/>), and the root user.</summary>
    public static void RequireAgentOrRoot(RequestContext context, string route)
    {
        if (context.AccessKeyId is not null && context.PrincipalArn != context.Scope.RootPrincipalArn && !AgentPrincipal.IsAgent(context.PrincipalArn))
        {
            throw new AccessDeniedException(
                $"User: {context.PrincipalArn} is not authorized to call {route}: only agents, with the identity they got when joining, and the account's root user may");
        }
    }

    /// <summary>
    /// Refuses an authenticated request whose caller's policies do not allow one of Berth's own actions
    /// (<c>berth:CreateAgentJoinToken</c>) on a resource; with auth off every caller is the root user.
    /// </summary>
    public async Task AuthorizeActionAsync(HttpRequest request, RequestContext context, string action, string resourceArn, CancellationToken cancellationToken)
    {
        if (context.AccessKeyId is null)
        {
            return;
        }
        var decision = await authorization.AuthorizeActionAsync(context.PrincipalArn, context.Scope, action,
            new RequestedResource(resourceArn, "*", IsExact: true), Core.Identity.Authorization.RequestContext.Empty, FactsOf(request, context),
            cancellationToken).ConfigureAwait(false);
        if (!decision.IsAllowed)
        {
            throw new AccessDeniedException(decision.DenialMessage!);
        }
    }

    private static RequestFacts FactsOf(HttpRequest request, RequestContext context) =>
        new(context.Now, request.HttpContext.Connection.RemoteIpAddress?.ToString(), request.IsHttps);

    // A body that is not JSON is authorized as an empty request; the operation then refuses it in its own words.
    private static JsonDocument Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            return JsonDocument.Parse(json.IsEmpty ? "{}"u8.ToArray() : json);
        }
        catch (JsonException)
        {
            return JsonDocument.Parse("{}");
        }
    }

    private static string EndpointOf(HttpRequest request) => $"{request.Scheme}://{request.Host}";
}
