using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Protocol;

/// <summary>
/// Berth's own JSON routes outside the AWS protocols (the agent protocol, spot interruption), signed with SigV4 for
/// service <c>ecs</c> like ECS's agent endpoints: authenticated here, through the same <see cref="RequestContexts"/>
/// as the AWS edges, before their handlers read the body.
/// </summary>
public sealed class SignedRoutes(RequestContexts contexts, ApiOptions options, ILogger<SignedRoutes> logger)
{
    public const string SigningName = "ecs";

    /// <summary>For the root user only (spot interruption).</summary>
    public RequestDelegate Require(RequestDelegate handler) => Require(handler, RequestContexts.RequireRoot);

    /// <summary>
    /// For agents and the root user (the agent protocol); the handler finds an agent caller's instance with
    /// the request context this sets (Berth.Api.Agent.AgentCaller) and keeps it to its own instance and tasks.
    /// </summary>
    public RequestDelegate RequireAgent(RequestDelegate handler) => Require(handler, RequestContexts.RequireAgentOrRoot);

    private RequestDelegate Require(RequestDelegate handler, Action<RequestContext, string> allow) => options.Auth == AuthMode.Off ? handler : async http =>
    {
        var requestId = Guid.NewGuid().ToString();
        try
        {
            var body = await RequestBody.ReadAsync(http.Request, options.MaxRequestBytes, http.RequestAborted).ConfigureAwait(false);
            var context = await contexts.CreateAsync(http.Request, body, requestId, SigningName, http.RequestAborted).ConfigureAwait(false);
            allow(context, http.Request.Path);
            http.Features.Set(context);
            // The handler reads the body the signature covered.
            http.Request.Body = new MemoryStream(body.ToArray(), writable: false);
        }
        catch (Exception e)
        {
            if (ApiError.From(e, http, http.Request.Path, requestId, logger) is { } error)
            {
                http.Response.Headers["x-amzn-RequestId"] = requestId;
                await JsonResponses.WriteErrorAsync(http.Response, error.ForJson(queryCompatible: false), JsonResponses.ContentType).ConfigureAwait(false);
            }
            return;
        }
        await handler(http).ConfigureAwait(false);
    };
}
