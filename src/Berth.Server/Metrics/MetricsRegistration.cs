using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Metrics;

internal static class MetricsRegistration
{
    /// <summary>The loops that publish AWS/ECS, ContainerInsights and AWS/ApplicationELB metrics and keep the metric store's size bounded.</summary>
    public static IServiceCollection AddMetricPublishers(this IServiceCollection services) => services
        .AddHostedService<MetricSweeper>()
        .AddHostedService<EcsMetricsPublisher>()
        .AddHostedService<UsageMetricsPublisher>()
        .AddHostedService<ContainerInsightsPublisher>()
        .AddHostedService<ManagedScalingPublisher>()
        .AddHostedService<LoadBalancerMetricsPublisher>();
}
