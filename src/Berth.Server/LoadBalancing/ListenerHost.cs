using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// One listener's own Kestrel server on 127.0.0.1:{port}, HTTP/1.1 with keep-alive and HTTP/2 (h2c with
/// prior knowledge), running <see cref="ListenerProxy"/> for every request. A server per listener lets
/// listeners come and go without touching the API's endpoint or each other's connections.
/// </summary>
internal sealed class ListenerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ListenerHost(WebApplication app) => _app = app;

    public static async Task<ListenerHost> StartAsync(int port, ListenerProxy proxy, CancellationToken cancellationToken)
    {
        var builder = SlimHost.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // h2c connections look like TLS to Kestrel (see CleartextHttp2Detection); their requests still say :scheme http.
            kestrel.AllowAlternateSchemes = true;
            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.Use(CleartextHttp2Detection.Middleware);
            });
        });
        var app = builder.Build();
        app.Run(proxy.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new ListenerHost(app);
    }

    /// <summary>Stops accepting, gives requests in flight a few seconds to finish, then closes.</summary>
    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(grace.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
