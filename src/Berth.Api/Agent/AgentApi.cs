using Berth.Api.Protocol;
using Microsoft.AspNetCore.Builder;
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
        endpoints.MapPost("/_berth/agent/v1/poll", signed.Require(agents.PollAsync));
        endpoints.MapPost("/_berth/agent/v1/report", signed.Require(agents.ReportAsync));
        endpoints.MapPost("/_berth/agent/v1/stats", signed.Require(endpoints.ServiceProvider.GetRequiredService<StatsHandler>().ReportAsync));
        return endpoints;
    }
}
