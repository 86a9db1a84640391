using Berth.Server.Leadership;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Metrics;

internal static class MetricsRegistration
{
    /// <summary>
    /// The loops that publish AWS/ECS, ContainerInsights and AWS/ApplicationELB metrics and keep the metric store's size
    /// bounded. Those that read the shared state and would publish the same point once per server run on the controller
    /// lease's holder only; those that publish what this server alone saw (agents' samples it received, its listeners'
    /// traffic and health checks, its own /metrics) run on every server.
    /// </summary>
    public static IServiceCollection AddMetricPublishers(this IServiceCollection services) => services
        .AddLeaderOnly<MetricSweeper>()
        .AddHostedService<EcsMetricsPublisher>()
        .AddHostedService<UsageMetricsPublisher>()
        .AddLeaderOnly<ContainerInsightsPublisher>()
        .AddLeaderOnly<ManagedScalingPublisher>()
        .AddHostedService<LoadBalancerMetricsPublisher>();
}
