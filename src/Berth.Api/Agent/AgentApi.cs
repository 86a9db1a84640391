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
        endpoints.MapPost("/_berth/agent/v1/poll", agents.PollAsync);
        endpoints.MapPost("/_berth/agent/v1/report", agents.ReportAsync);
        endpoints.MapPost("/_berth/agent/v1/stats", endpoints.ServiceProvider.GetRequiredService<StatsHandler>().ReportAsync);
        return endpoints;
    }
}
