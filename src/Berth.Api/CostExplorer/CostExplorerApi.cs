using Berth.Api.Agent;
using Berth.Api.Protocol;
using Berth.Core.Cost;
using Berth.Core.CostExplorer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Api.CostExplorer;

/// <summary>Cost Explorer (target prefix AWSInsightsIndexService, AWS JSON 1.1): the cost and usage of the account's Fargate tasks.</summary>
internal static class CostExplorerApi
{
    public static IServiceCollection AddCostExplorerApi(this IServiceCollection services) => services
        .AddSingleton<CostHandler>()
        .AddSingleton<CostReportHandler>()
        .AddSingleton(s =>
        {
            var service = new JsonService(CostExplorerOperations.TargetPrefix, "ce", CostExplorerJsonContext.Default, CostExplorerOperations.All);
            s.GetRequiredService<CostHandler>().Register(service);
            return service;
        });

    /// <summary><c>berth cost</c>'s report, for the root user like every operator route.</summary>
    public static IEndpointRouteBuilder MapCostReport(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var report = JsonRoute.Of(services.GetRequiredService<ApiOptions>(), services.GetRequiredService<ILogger<CostReportHandler>>(),
            CostJsonContext.Default.CostReportRequest, CostJsonContext.Default.CostReport, services.GetRequiredService<CostReportHandler>().ReportAsync);
        endpoints.MapPost(CostReportHandler.Route, services.GetRequiredService<SignedRoutes>().Require(report));
        return endpoints;
    }
}
