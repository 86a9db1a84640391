using Berth.Api.Protocol;
using Berth.Core.Agent;
using Berth.Core.State;
using Berth.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Agent;

/// <summary>
/// The agent protocol's routes (docs/agent-protocol.md): long-poll, task reports and stats samples, for agents and the
/// root user; joining, and the join tokens admins make for it (docs/security.md); the two ends of ECS Exec sessions.
/// </summary>
internal static class AgentApi
{
    public static IServiceCollection AddAgentApi(this IServiceCollection services) => services
        .AddSingleton<AgentHandler>()
        .AddSingleton<StatsHandler>()
        .AddSingleton<AgentJoinHandler>()
        .AddSingleton<JoinTokenHandler>()
        .AddSingleton<ExecRelay>();

    public static IEndpointRouteBuilder MapAgentApi(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var agents = services.GetRequiredService<AgentHandler>();
        var signed = services.GetRequiredService<SignedRoutes>();
        endpoints.MapPost("/_berth/agent/v1/poll", signed.RequireAgent(StoreFaultsAnswered(agents.PollAsync)));
        endpoints.MapPost("/_berth/agent/v1/reports", signed.RequireAgent(StoreFaultsAnswered(agents.ReportAllAsync)));
        endpoints.MapPost("/_berth/agent/v1/stats", signed.RequireAgent(StoreFaultsAnswered(services.GetRequiredService<StatsHandler>().ReportAsync)));
        var exec = services.GetRequiredService<ExecRelay>();
        endpoints.MapGet("/_berth/agent/v1/exec/{sessionId}", signed.RequireAgent(exec.AgentAsync));
        endpoints.MapGet(ExecRelay.ClientPath + "{sessionId}", exec.ClientAsync);

        var options = services.GetRequiredService<ApiOptions>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AgentApi));
        var json = StateJsonContext.Default;
        endpoints.MapPost("/_berth/agent/v1/join", JsonRoute.Of(options, logger, json.AgentJoinRequest, json.AgentJoinResponse,
            services.GetRequiredService<AgentJoinHandler>().JoinAsync));
        var tokens = services.GetRequiredService<JoinTokenHandler>();
        endpoints.MapPost("/_berth/agent/v1/tokens/create", JsonRoute.Of(options, logger, json.CreateJoinTokenRequest, json.CreateJoinTokenResponse, tokens.CreateAsync));
        endpoints.MapPost("/_berth/agent/v1/tokens/list", JsonRoute.Of(options, logger, json.ListJoinTokensRequest, json.ListJoinTokensResponse, tokens.ListAsync));
        endpoints.MapPost("/_berth/agent/v1/tokens/revoke", JsonRoute.Of(options, logger, json.RevokeJoinTokenRequest, json.JoinTokenView, tokens.RevokeAsync));
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
