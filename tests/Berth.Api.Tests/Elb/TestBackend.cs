using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Tests.Elb;

/// <summary>
/// A real HTTP server on a free loopback port standing in for a container behind a load balancer: it
/// answers with its name, reports health at /health as told (and counts the checks), and holds /slow until released.
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private TaskCompletionSource _slowGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _slowStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _healthChecks;

    private TestBackend(string name, WebApplication app)
    {
        Name = name;
        _app = app;
    }

    public string Name { get; }

    public int Port { get; private set; }

    public int HealthStatus { get; set; } = 200;

    public int HealthChecks => Volatile.Read(ref _healthChecks);

    public Task SlowStarted => _slowStarted.Task;

    public void ReleaseSlow() => _slowGate.TrySetResult();

    public static async Task<TestBackend> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var backend = new TestBackend(name, app);
        app.MapGet("/health", () =>
        {
            Interlocked.Increment(ref backend._healthChecks);
            return Results.StatusCode(backend.HealthStatus);
        });
        app.MapGet("/slow", async () =>
        {
            backend._slowStarted.TrySetResult();
            await backend._slowGate.Task;
            return Results.Text($"{name} slow");
        });
        app.MapFallback(context => context.Response.WriteAsync($"{name} {context.Request.Path}"));
        await app.StartAsync();
        backend.Port = new Uri(app.Urls.First()).Port;
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        _slowGate.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
