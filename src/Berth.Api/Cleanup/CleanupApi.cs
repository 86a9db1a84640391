using Berth.Api.Agent;
using Berth.Api.Protocol;
using Berth.Core.Cleanup;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Cleanup;

/// <summary><c>berth cleanup</c>'s report (GET) and its <c>--apply</c> (POST), for the root user like every operator route.</summary>
internal static class CleanupApi
{
    public static IServiceCollection AddCleanupApi(this IServiceCollection services) => services.AddSingleton<CleanupHandler>();

    public static IEndpointRouteBuilder MapCleanup(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        // Resolved per request: the handler takes every API service, which an idle server need not build.
        CleanupHandler Handler() => services.GetRequiredService<CleanupHandler>();
        var logger = services.GetRequiredService<ILogger<CleanupHandler>>();
        var signed = services.GetRequiredService<SignedRoutes>();
        endpoints.MapGet(CleanupHandler.Route, signed.Require(JsonRoute.Get(logger, CleanupJsonContext.Default.CleanupReport, (http, requestId) => Handler().ReportAsync(http, requestId))));
        endpoints.MapPost(CleanupHandler.Route, signed.Require(JsonRoute.Of(services.GetRequiredService<ApiOptions>(), logger,
            CleanupJsonContext.Default.CleanupRequest, CleanupJsonContext.Default.CleanupReport,
            (http, body, request, requestId) => Handler().ApplyAsync(http, body, request, requestId))));
        return endpoints;
    }
}
