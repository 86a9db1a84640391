using Berth.Api.Protocol;
using Berth.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Agent;

/// <summary>The agent protocol's routes (docs/agent-protocol.md): long-poll, task reports and stats samples.</summary>
internal static class AgentApi
{
    public static IServiceCollection AddAgentApi(this IServiceCollection services) => services
        .AddSingleton<AgentHandler>()
        .AddSingleton<StatsHandler>();

    public static IEndpointRouteBuilder MapAgentApi(this IEndpointRouteBuilder endpoints)
    {
        var agents = endpoints.ServiceProvider.GetRequiredService<AgentHandler>();
        var signed = endpoints.ServiceProvider.GetRequiredService<SignedRoutes>();
        endpoints.MapPost("/_berth/agent/v1/poll", signed.Require(StoreFaultsAnswered(agents.PollAsync)));
        endpoints.MapPost("/_berth/agent/v1/report", signed.Require(StoreFaultsAnswered(agents.ReportAsync)));
        endpoints.MapPost("/_berth/agent/v1/stats", signed.Require(StoreFaultsAnswered(endpoints.ServiceProvider.GetRequiredService<StatsHandler>().ReportAsync)));
        return endpoints;
    }

    /// <summary>
    /// A full or read-only data disk is the operator's to fix, not a bug: the agent gets 503 with the store's words,
    /// logs them and retries, instead of a bare 500 and a stack trace in the server's log for every poll.
    /// </summary>
    private static RequestDelegate StoreFaultsAnswered(Func<HttpContext, Task> handler) => async http =>
    {
        try
        {
            await handler(http).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e) when (!http.Response.HasStarted)
        {
            await JsonResponses.WriteErrorAsync(http.Response, StatusCodes.Status503ServiceUnavailable, "ServiceUnavailableException", e.Message).ConfigureAwait(false);
        }
    };
}
