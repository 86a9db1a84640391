using System.Net;
using System.Text.Json;
using Berth.Agent.Docker;
using Berth.Agent.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Metadata;

/// <summary>
/// The task metadata endpoint (v4, and v3 at the same paths) that containers find through
/// <c>ECS_CONTAINER_METADATA_URI_V4</c>: <c>/v4/&lt;token&gt;</c> (the container), <c>/task</c>, <c>/stats</c>,
/// <c>/task/stats</c>. The unguessable per-container token in the path is what the caller is known by. The same
/// listener serves task role credentials (<see cref="CredentialsEndpoint"/>), which containers reach at 169.254.170.2.
/// </summary>
internal sealed partial class MetadataServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly AgentRuntime _runtime;
    private readonly IDockerDriver _docker;
    private readonly ILogger _logger;

    private MetadataServer(WebApplication app, AgentRuntime runtime, ILogger logger)
    {
        _app = app;
        _runtime = runtime;
        _docker = runtime.Docker;
        _logger = logger;
    }

    /// <summary>The base URI containers are given, e.g. <c>http://172.17.0.1:51679</c>.</summary>
    public string BaseUri { get; private set; } = "";

    /// <summary>
    /// The same listener on the host's loopback, e.g. <c>http://127.0.0.1:41234</c>: what host-mode containers are given
    /// as AWS_CONTAINER_CREDENTIALS_FULL_URI, since SDKs accept a plain-HTTP full URI only on loopback (or ECS's
    /// link-local addresses). Its own ephemeral port, so agents sharing a host never collide on it.
    /// </summary>
    public string LoopbackUri { get; private set; } = "";

    public static async Task<MetadataServer> StartAsync(IPAddress bind, int port, string advertisedHost, AgentRuntime runtime, CancellationToken cancellationToken)
    {
        var logger = runtime.LoggerFactory.CreateLogger<MetadataServer>();
        try
        {
            return await StartOnAsync(bind, port, advertisedHost, runtime, logger, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (!bind.Equals(IPAddress.Any))
        {
            // The bridge gateway is not an address of this host (e.g. a remote engine): listen everywhere instead.
            LogFallback(logger, bind.ToString(), port, e.Message);
            return await StartOnAsync(IPAddress.Any, port, advertisedHost, runtime, logger, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<MetadataServer> StartOnAsync(IPAddress bind, int port, string advertisedHost, AgentRuntime runtime, ILogger logger, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "Berth.Agent.Metadata" });
        var ownLoopback = !bind.Equals(IPAddress.Any) && !IPAddress.IsLoopback(bind);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(bind, port);
            if (ownLoopback)
            {
                k.Listen(IPAddress.Loopback, 0);
            }
            k.AddServerHeader = false;
        });
        // Kestrel's own warnings and errors go to the agent's log; its start-up chatter does not.
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddProvider(new ForwardingLoggerProvider(runtime.LoggerFactory)));
        var app = builder.Build();
        var server = new MetadataServer(app, runtime, logger);
        app.Run(server.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => new Uri(a.Replace("0.0.0.0", "localhost", StringComparison.Ordinal).Replace("[::]", "localhost", StringComparison.Ordinal)))
            .ToList() ?? [];
        var actualPort = addresses.FirstOrDefault(a => !ownLoopback || a.Host != "127.0.0.1")?.Port ?? port;
        server.BaseUri = $"http://{advertisedHost}:{actualPort}";
        server.LoopbackUri = $"http://127.0.0.1:{(ownLoopback ? addresses.FirstOrDefault(a => a.Host == "127.0.0.1")?.Port ?? actualPort : actualPort)}";
        LogListening(logger, server.BaseUri, bind.ToString());
        return server;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        if (HttpMethods.IsGet(http.Request.Method) && (path == CredentialsEndpoint.PathPrefix || path.StartsWith(CredentialsEndpoint.PathPrefix + "/", StringComparison.Ordinal)))
        {
            var authorization = http.Request.Headers.Authorization;
            var answer = CredentialsEndpoint.Answer(path, http.Connection.RemoteIpAddress, authorization.Count == 1 ? authorization[0] : null,
                id => _runtime.CredentialsIds.TryGetValue(id, out var holder) ? holder.CredentialsGrant : null);
            http.Response.StatusCode = answer.Status;
            http.Response.ContentType = "application/json";
            await http.Response.Body.WriteAsync(answer.Body, http.RequestAborted).ConfigureAwait(false);
            return;
        }
        var segments = path.Trim('/').Split('/');
        if (!HttpMethods.IsGet(http.Request.Method) || segments.Length < 2 || segments[0] is not ("v4" or "v3")
            || !_runtime.MetadataTokens.TryGetValue(segments[1], out var manager))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var view = manager.View;
        var container = view.Containers.FirstOrDefault(c => c.MetadataToken == segments[1]);
        if (container is null)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var rest = string.Join('/', segments.Skip(2));
        http.Response.ContentType = "application/json";
        var aborted = http.RequestAborted;
        switch (rest)
        {
            case "":
                await JsonSerializer.SerializeAsync(http.Response.Body, MetadataDocuments.Container(view, container),
                    MetadataJsonContext.Default.ContainerMetadata, aborted).ConfigureAwait(false);
                break;
            case "task":
                await JsonSerializer.SerializeAsync(http.Response.Body, MetadataDocuments.Task(view, _runtime.Cluster, _runtime.Options.AvailabilityZone),
                    MetadataJsonContext.Default.TaskMetadata, aborted).ConfigureAwait(false);
                break;
            case "stats":
                await WriteStatsAsync(http, [container], single: true, aborted).ConfigureAwait(false);
                break;
            case "task/stats":
                await WriteStatsAsync(http, view.Containers, single: false, aborted).ConfigureAwait(false);
                break;
            default:
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    /// <summary>Docker's stats JSON as is: one object, or (for the task) an object keyed by Docker id.</summary>
    private async Task WriteStatsAsync(HttpContext http, IReadOnlyList<ContainerView> containers, bool single, CancellationToken cancellationToken)
    {
        var stats = new List<(string Id, JsonElement? Stats)>();
        foreach (var c in containers.Where(c => c.RuntimeId is not null))
        {
            try
            {
                stats.Add((c.RuntimeId!, c.KnownStatus == "RUNNING" ? await _docker.GetStatsAsync(c.RuntimeId!, cancellationToken).ConfigureAwait(false) : null));
            }
            catch (HttpRequestException e)
            {
                LogStatsFailed(_logger, c.RuntimeId!, e.Message);
                stats.Add((c.RuntimeId!, null));
            }
        }
        var writer = new Utf8JsonWriter(http.Response.Body);
        await using (writer.ConfigureAwait(false))
        {
            if (single)
            {
                if (stats.FirstOrDefault().Stats is { } one)
                {
                    one.WriteTo(writer);
                }
                else
                {
                    writer.WriteStartObject();
                    writer.WriteEndObject();
                }
            }
            else
            {
                writer.WriteStartObject();
                foreach (var (id, value) in stats)
                {
                    writer.WritePropertyName(id);
                    if (value is { } v)
                    {
                        v.WriteTo(writer);
                    }
                    else
                    {
                        writer.WriteNullValue();
                    }
                }
                writer.WriteEndObject();
            }
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class ForwardingLoggerProvider(ILoggerFactory factory) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task metadata endpoint at {BaseUri} (listening on {BindAddress})")]
    private static partial void LogListening(ILogger logger, string baseUri, string bindAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot listen on {BindAddress}:{Port} ({Error}); listening on all addresses instead")]
    private static partial void LogFallback(ILogger logger, string bindAddress, int port, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the stats of container {ContainerId}: {Error}")]
    private static partial void LogStatsFailed(ILogger logger, string containerId, string error);
}
