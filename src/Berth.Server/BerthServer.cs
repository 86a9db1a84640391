using Berth.Api.Agent;
using Berth.Api.Ecs;
using Berth.Api.Logs;
using Berth.Api.Tasks;
using Berth.Server.Controllers;
using Berth.Api.Protocol;
using Berth.Store;
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
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.Api.MaxRequestBytes + 1);

        var store = await SqliteStateStore.OpenAsync(options.DatabasePath, cancellationToken).ConfigureAwait(false);
        var logs = await SqliteLogStore.OpenAsync(options.LogsDatabasePath, cancellationToken).ConfigureAwait(false);
        var time = TimeProvider.System;
        var signals = new AssignmentSignals();
        // Registered through a factory so the container owns the store and disposes it at shutdown.
        builder.Services.AddSingleton<IStateStore>(_ => store);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.Api);
        builder.Services.AddSingleton(options.Liveness);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(signals);
        builder.Services.AddSingleton<TaskStopper>();
        builder.Services.AddSingleton(EcsApi.Create(store, options.Liveness, signals, time));
        builder.Services.AddSingleton<AwsJsonEndpoint>();
        builder.Services.AddSingleton<AgentHandler>();
        builder.Services.AddHostedService<InstanceMonitor>();
        builder.Services.AddSingleton<ILogStore>(_ => logs);
        builder.Services.AddSingleton(LogsApi.Create(logs));
        builder.Services.AddHostedService<LogRetentionSweeper>();

        var app = builder.Build();
        var endpoint = app.Services.GetRequiredService<AwsJsonEndpoint>();
        app.MapPost("/", endpoint.HandleAsync);
        var agents = app.Services.GetRequiredService<AgentHandler>();
        app.MapPost("/_berth/agent/v1/poll", agents.PollAsync);
        app.MapPost("/_berth/agent/v1/report", agents.ReportAsync);
        app.MapGet("/_berth/health", () => Results.Text("ok"));
        return app;
    }

    /// <summary>The address clients use, with the real port when the options asked for port 0.</summary>
    public static Uri EndpointOf(WebApplication app) => new(app.Urls.First());
}
