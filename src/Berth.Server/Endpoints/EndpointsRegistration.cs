using Berth.Api;
using Berth.Core.Logs;
using Berth.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Berth.Server.Endpoints;

/// <summary>
/// Where the server composes Berth.Api: it registers the wire edges and maps their routes (ServerOptions only carries
/// <see cref="Api.Protocol.ApiOptions"/>). Everything else in the server (controllers, the load balancer, the metric
/// publishers) calls Berth.Control; the layering test holds it to that. The web console (Berth.WebConsole) is mapped here
/// too: it is only files, a client of these same routes.
/// </summary>
internal static class EndpointsRegistration
{
    public static IServiceCollection AddEndpoints(this IServiceCollection services, ServerOptions options) => services
        // Each endpoint enforces its service's own limit with the ECS error shape; Kestrel only stops what none allows.
        .Configure<KestrelServerOptions>(kestrel =>
            kestrel.Limits.MaxRequestBodySize = Math.Max(options.Api.MaxRequestBytes, LogEventBatch.MaxRequestBodyBytes) + 1)
        .AddApi(options.Api);

    public static void MapEndpoints(this WebApplication app)
    {
        // Signatures cover compressed bodies as sent, so the API hashes them before they are inflated.
        app.UseApi();
        app.UseRequestDecompression();
        app.MapApi();
        app.MapGet("/_berth/health", () => Results.Text("ok"));
        // GET only: the AWS protocols all POST, so Prometheus scrapes never meet them.
        app.MapMetrics("/metrics");
        var options = app.Services.GetRequiredService<ServerOptions>();
        app.MapConsole(new ConsoleSettings(options.RequiresSignatures, options.Api.DefaultRegion));
    }
}
