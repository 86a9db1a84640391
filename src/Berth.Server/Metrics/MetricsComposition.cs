using Berth.Api.Agent;
using Berth.Api.CloudWatch;
using Berth.Api.Protocol.Cbor;
using Berth.Api.Protocol.Query;
using Berth.Control.Utilization;
using Berth.Store.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Berth.Server.Metrics;

/// <summary>The CloudWatch metrics service, its store and its extra wire protocols, as the server composes them.</summary>
public static class MetricsComposition
{
    public static async Task AddCloudWatchAsync(this IServiceCollection services, ServerOptions options, CancellationToken cancellationToken)
    {
        var store = await SqliteMetricStore.OpenAsync(options.MetricsDatabasePath, cancellationToken).ConfigureAwait(false);
        // Registered through a factory so the container owns the store and disposes it at shutdown.
        services.AddSingleton<IMetricStore>(_ => store);
        var cloudWatch = CloudWatchApi.Create(store);
        services.AddSingleton(cloudWatch);
        services.AddSingleton(CloudWatchApi.Query(cloudWatch));
        services.AddSingleton<RpcV2CborEndpoint>();
        services.AddSingleton<JsonQueryEndpoint>();
        services.AddHostedService<MetricSweeper>();
        services.AddSingleton<UtilizationSamples>();
        services.AddSingleton<StatsHandler>();
        services.AddHostedService<EcsMetricsPublisher>();
        services.AddHostedService<ContainerInsightsPublisher>();
    }

    public static void MapCloudWatch(this WebApplication app)
    {
        var cbor = app.Services.GetRequiredService<RpcV2CborEndpoint>();
        app.MapPost(RpcV2CborEndpoint.Route, cbor.HandleAsync);
        app.MapPost("/_berth/agent/v1/stats", app.Services.GetRequiredService<StatsHandler>().ReportAsync);
        // GET only: the AWS protocols all POST, so Prometheus scrapes never meet them.
        app.MapMetrics("/metrics");
    }
}
