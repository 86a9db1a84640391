using Berth.Api.Protocol;
using Berth.Core.Agent;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Agent;

/// <summary>Who called an agent route (<see cref="SignedRoutes.RequireAgent"/>), and the refusal of an agent acting for another.</summary>
internal static class AgentCaller
{
    /// <summary>The container instance of an agent caller; null for the root user (and with auth off), who may act for any instance.</summary>
    public static string? InstanceOf(HttpContext http) =>
        http.Features.Get<RequestContext>() is { } context && AgentPrincipal.IsAgent(context.PrincipalArn) ? context.PrincipalArn : null;

    /// <summary>Whether the caller may act for <paramref name="containerInstanceArn"/>: the root user for any, an agent for its own.</summary>
    public static bool MayActFor(HttpContext http, string containerInstanceArn) =>
        InstanceOf(http) is not { } own || own == containerInstanceArn;

    /// <summary>HTTP 403 AccessDeniedException, as every refusal of the agent routes.</summary>
    public static Task RefuseAsync(HttpContext http, string what) =>
        JsonResponses.WriteErrorAsync(http.Response, StatusCodes.Status403Forbidden, "AccessDeniedException",
            $"User: {InstanceOf(http)} is not authorized to {what}: an agent acts for its own container instance and tasks only");
}
