using Berth.Api.Agent;
using Berth.Api.Ecs;
using Berth.Api.Elb;
using Berth.Api.Events;
using Berth.Api.Logs;
using Berth.Api.Networking;
using Berth.Api.Protocol;
using Berth.Api.Protocol.Query;
using Berth.Api.Query;
using Berth.Api.Services;
using Berth.Api.Tasks;
using Berth.Core.Logs;
using Berth.Core.Networking;
using Berth.Server.Controllers;
using Berth.Server.LoadBalancing;
using Berth.Server.Metrics;
using Berth.Store;
using Berth.Store.Events;
using Berth.Store.Logs;
using Berth.Store.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Server;

/// <summary>Builds the control plane: store, API services and HTTP endpoints, ready to run.</summary>
public static class BerthServer
{
    public static async Task<WebApplication> BuildAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.UseUrls($"http://{options.BindAddress}:{options.Port}");
        // Each endpoint enforces its service's own limit with the ECS error shape; Kestrel only stops what none allows.
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Limits.MaxRequestBodySize = Math.Max(options.Api.MaxRequestBytes, LogEventBatch.MaxRequestBodyBytes) + 1);

        var store = await SqliteStateStore.OpenAsync(options.DatabasePath, cancellationToken).ConfigureAwait(false);
        var vpc = options.VpcConfigPath is { } path ? NetworkRegistry.Default.With(NetworkState.ReadFile(path)) : NetworkRegistry.Default;
        await new NetworkState(store).SeedAsync(vpc, cancellationToken).ConfigureAwait(false);
        var logs = await SqliteLogStore.OpenAsync(options.LogsDatabasePath, cancellationToken).ConfigureAwait(false);
        var events = await SqliteEventLog.OpenAsync(options.EventsDatabasePath, cancellationToken).ConfigureAwait(false);
        var time = TimeProvider.System;
        var signals = new AssignmentSignals();
        // Registered through factories so the container owns the stores and disposes them at shutdown. Every write
        // goes through the event recorder, so the event stream sees each task and service change.
        builder.Services.AddSingleton<IEventLog>(_ => events);
        builder.Services.AddSingleton<IStateStore>(services => new EventRecordingStateStore(
            store, events, time, services.GetRequiredService<ILogger<EventRecordingStateStore>>()));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.Api);
        builder.Services.AddSingleton(options.Liveness);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(signals);
        builder.Services.AddSingleton<ClusterState>();
        builder.Services.AddSingleton<TaskStopper>();
        builder.Services.AddSingleton<TaskLauncher>();
        builder.Services.AddSingleton<ServiceSignal>();
        builder.Services.AddSingleton<ServiceTargets>();
        builder.Services.AddSingleton<ServiceReconciler>();
        builder.Services.AddSingleton(services => EcsApi.Create(
            services.GetRequiredService<ClusterState>(), services.GetRequiredService<TaskLauncher>(), services.GetRequiredService<TaskStopper>(),
            options.Liveness, signals, services.GetRequiredService<ServiceSignal>()));
        builder.Services.AddSingleton<AwsJsonEndpoint>();
        AddLoadBalancing(builder.Services);
        builder.Services.AddSingleton<RequestContexts>();
        await builder.Services.AddCloudWatchAsync(options, cancellationToken).ConfigureAwait(false);
        builder.Services.AddSingleton<AgentHandler>();
        builder.Services.AddSingleton<SpotInterruptionHandler>();
        builder.Services.AddHostedService<InstanceMonitor>();
        builder.Services.AddHostedService<ServiceScheduler>();
        builder.Services.AddSingleton<ILogStore>(_ => logs);
        builder.Services.AddSingleton(LogsApi.Create(logs));
        builder.Services.AddHostedService<LogRetentionSweeper>();
        builder.Services.AddSingleton<EventStreamHandler>();
        builder.Services.AddHostedService<EventLogSweeper>();

        // botocore gzips CloudWatch PutMetricData bodies of 10 kB and more (the model's requestcompression trait). The
        // middleware inflates them under Kestrel's body limit, and each endpoint's own limit counts inflated bytes.
        // gzip is the one encoding AWS models name; other bodies are read as they are (and Brotli's decoder would
        // answer a body that is not Brotli with InvalidOperationException, a 500).
        builder.Services.AddRequestDecompression(decompression =>
        {
            decompression.DecompressionProviders.Remove("br");
            decompression.DecompressionProviders.Remove("deflate");
        });

        var app = builder.Build();
        app.UseRequestDecompression();
        var endpoint = app.Services.GetRequiredService<ApiDispatcher>();
        app.MapPost("/", endpoint.HandleAsync);
        app.MapCloudWatch();
        var agents = app.Services.GetRequiredService<AgentHandler>();
        app.MapPost("/_berth/agent/v1/poll", agents.PollAsync);
        app.MapPost("/_berth/agent/v1/report", agents.ReportAsync);
        app.MapPost("/_berth/spot/v1/interrupt", app.Services.GetRequiredService<SpotInterruptionHandler>().InterruptAsync);
        app.MapGet("/_berth/events", app.Services.GetRequiredService<EventStreamHandler>().StreamAsync);
        app.MapGet("/_berth/health", () => Results.Text("ok"));
        return app;
    }

    /// <summary>ELBv2: the query API, the in-process target API for the service scheduler, and the YARP data plane.</summary>
    private static void AddLoadBalancing(IServiceCollection services)
    {
        services.AddSingleton<ElbLookup>();
        services.AddSingleton<ElbChanges>();
        services.AddSingleton<TargetHealthRegistry>();
        services.AddSingleton<TargetRegistrations>();
        services.AddSingleton<ILoadBalancerTargets>(s => s.GetRequiredService<TargetRegistrations>());
        services.AddSingleton(s => ElbApi.Create(
            s.GetRequiredService<ElbLookup>(), s.GetRequiredService<TargetRegistrations>(), s.GetRequiredService<ElbChanges>()));
        services.AddSingleton<QueryEndpoint>();
        services.AddSingleton<ApiDispatcher>();
        services.AddSingleton<DataPlaneState>();
        services.AddSingleton<DataPlaneLoader>();
        services.AddHttpForwarder();
        services.AddHostedService<LoadBalancerDataPlane>();
        services.AddHostedService<HealthChecker>();
    }

    /// <summary>The address clients use, with the real port when the options asked for port 0.</summary>
    public static Uri EndpointOf(WebApplication app) => new(app.Urls.First());
}
