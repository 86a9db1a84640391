using Berth.Api.Agent;
using Berth.Api.AutoScaling;
using Berth.Api.Cleanup;
using Berth.Api.CloudWatch;
using Berth.Api.CostExplorer;
using Berth.Api.Ecs;
using Berth.Api.Elb;
using Berth.Api.Events;
using Berth.Api.Iam;
using Berth.Api.Logs;
using Berth.Api.Protocol;
using Berth.Api.Protocol.Cbor;
using Berth.Api.Query;
using Berth.Api.SecretsManager;
using Berth.Api.Ssm;
using Berth.Api.Sts;
using Berth.Control.Alarms;
using Berth.Store.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api;

/// <summary>
/// Every wire edge and API area, over the services of Berth.Control. The host adds Control, the log store, a
/// <see cref="TimeProvider"/> and logging.
/// </summary>
public static class ApiRegistration
{
    public static IServiceCollection AddApi(this IServiceCollection services, ApiOptions options) => services
        .AddSingleton(options)
        .AddSingleton<RequestAuthenticator>()
        .AddSingleton<RequestContexts>()
        .AddSingleton<SignedRoutes>()
        .AddSingleton<AwsJsonEndpoint>()
        .AddSingleton<QueryEndpoint>()
        .AddSingleton<RpcV2CborEndpoint>()
        .AddSingleton<ApiDispatcher>()
        .AddEcsApi()
        .AddElbApi()
        .AddStsApi()
        .AddIamApi()
        .AddLogsApi()
        .AddSsmApi()
        .AddSecretsManagerApi()
        .AddAutoScalingApi()
        .AddCostExplorerApi()
        .AddCleanupApi()
        .AddCloudWatchApi()
        .AddAgentApi()
        .AddEventStream();

    /// <summary>
    /// The API's middleware, which must come before request decompression: the hash of a compressed body as sent,
    /// which its signature covers.
    /// </summary>
    public static IApplicationBuilder UseApi(this IApplicationBuilder app) =>
        RawBodyHash.Install(app, app.ApplicationServices.GetRequiredService<ApiOptions>()).UseWebSockets();

    public static IEndpointRouteBuilder MapApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/", endpoints.ServiceProvider.GetRequiredService<ApiDispatcher>().HandleAsync);
        endpoints.MapPost(RpcV2CborEndpoint.Route, endpoints.ServiceProvider.GetRequiredService<RpcV2CborEndpoint>().HandleAsync);
        return endpoints.MapEcsApi().MapAgentApi().MapEventStream().MapCostReport().MapCleanup();
    }

    /// <summary>CloudWatch's one set of operations, shared by the AWS JSON and CBOR edges and by the query edge.</summary>
    private static IServiceCollection AddCloudWatchApi(this IServiceCollection services) => services
        .AddSingleton(s => new CloudWatchEdges(CloudWatchApi.Create(s.GetRequiredService<IMetricStore>(), s.GetRequiredService<MetricAlarms>())))
        .AddSingleton(s => s.GetRequiredService<CloudWatchEdges>().Json)
        .AddSingleton(s => CloudWatchApi.Query(s.GetRequiredService<CloudWatchEdges>().Json));

    /// <summary>CloudWatch's JSON service, built once: the query edge (built on the first query request) serves the same operations.</summary>
    private sealed record CloudWatchEdges(JsonService Json);
}
