using System.Globalization;
using Berth.Server;
using Microsoft.AspNetCore.Builder;

namespace Berth.Api.Tests;

/// <summary>
/// A real Berth server on a loopback port with its own temporary data directory, shared by the tests of
/// one class. Tests keep out of each other's way by working in a region of their own (<see cref="NewClient"/>).
/// </summary>
public sealed class BerthServerFixture : IAsyncLifetime
{
    private static int _regions;

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-api-{Guid.NewGuid():N}");
    private RunningServer? _server;

    private RunningServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>Plain HTTP to the server, for what no client shapes: the agent protocol, CloudWatch's CBOR and query, /metrics.</summary>
    public HttpClient Http => Server.Http;

    /// <summary>The server's services, for what runs on a timer (alarm evaluation) and a test drives at a time it chooses.</summary>
    public IServiceProvider Services => Server.Services;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(_dataDirectory);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>A client signing for a region no other test uses, so whatever it lists is its own.</summary>
    public EcsClient NewClient() =>
        Client($"test-{Interlocked.Increment(ref _regions).ToString(CultureInfo.InvariantCulture)}");

    /// <summary>A CloudWatch Logs client (target prefix Logs_20140328) for a region no other test uses.</summary>
    public EcsClient NewLogsClient() =>
        new(Server.Http, $"logs-{Interlocked.Increment(ref _regions).ToString(CultureInfo.InvariantCulture)}", "Logs_20140328");

    /// <summary>A client of another AWS JSON service (<c>AmazonSSM</c>, <c>secretsmanager</c>) for a region no other test uses.</summary>
    public EcsClient NewJsonClient(string targetPrefix) =>
        new(Server.Http, $"json-{Interlocked.Increment(ref _regions).ToString(CultureInfo.InvariantCulture)}", targetPrefix);

    /// <summary>A client whose requests carry a SigV4 credential scope for <paramref name="region"/>, or none when null.</summary>
    public EcsClient Client(string? region) => new(Server.Http, region);

    /// <summary>An ELBv2 query client signing for a region no other test uses.</summary>
    public Elb.ElbClient NewElbClient() =>
        new(Server.Http, $"test-{Interlocked.Increment(ref _regions).ToString(CultureInfo.InvariantCulture)}");
}

/// <summary>A started server and an HttpClient pointed at it.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningServer(WebApplication app, HttpClient http)
    {
        _app = app;
        Http = http;
    }

    public HttpClient Http { get; }

    /// <summary>The server's services, for what no API reaches (an STS session that has already expired).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>A server on <paramref name="dataDirectory"/>, with the API edge's default settings unless <paramref name="api"/> is given.</summary>
    public static async Task<RunningServer> StartAsync(string dataDirectory, Berth.Api.Protocol.ApiOptions? api = null)
    {
        var options = new ServerOptions { Port = 0, DataDirectory = dataDirectory };
        var app = await BerthServer.BuildAsync(api is null ? options : options with { Api = api }, CancellationToken.None);
        await app.StartAsync();
        return new RunningServer(app, new HttpClient { BaseAddress = BerthServer.EndpointOf(app) });
    }

    public EcsClient Client(string? region) => new(Http, region);

    /// <summary>The root key (<see cref="BerthServer.RootKeyAsync"/>): made, with its secret, by the first call on a new data directory.</summary>
    public Task<Berth.Control.Identity.RootKey?> RootKeyAsync() => BerthServer.RootKeyAsync(_app, CancellationToken.None);

    /// <summary>A client of this server whose requests go through <paramref name="handler"/> (which signs them).</summary>
    public HttpClient NewHttp(HttpMessageHandler handler) => new(handler) { BaseAddress = Http.BaseAddress };

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
