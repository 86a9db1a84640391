using Berth.Api.Ecs;
using Berth.Api.Protocol;
using Berth.Store;
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
        builder.Services.AddSingleton<IStateStore>(store);
        builder.Services.AddSingleton(options.Api);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(EcsApi.Create(store));
        builder.Services.AddSingleton<AwsJsonEndpoint>();

        var app = builder.Build();
        var endpoint = app.Services.GetRequiredService<AwsJsonEndpoint>();
        app.MapPost("/", endpoint.HandleAsync);
        app.MapGet("/_berth/health", () => Results.Text("ok"));
        return app;
    }

    /// <summary>The address clients use, with the real port when the options asked for port 0.</summary>
    public static Uri EndpointOf(WebApplication app) => new(app.Urls.First());
}
