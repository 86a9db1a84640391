using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Berth.Bench.Scale;

/// <summary>
/// ECS JSON 1.1 calls and agent-protocol posts over one shared HttpClient (one connection pool for thousands of
/// hollow instances). A non-200 answer fails the run, so errors cannot pass for speed.
/// </summary>
internal sealed class EcsClient(Uri endpoint) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        BaseAddress = endpoint,
        Timeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>Calls an ECS operation; records its latency under its name when <paramref name="latencies"/> is given.</summary>
    public async Task<JsonDocument> CallAsync(string operation, string body, Latencies? latencies = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/");
        request.Headers.Add("X-Amz-Target", $"AmazonEC2ContainerServiceV20141113.{operation}");
        request.Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1");
        var clock = Stopwatch.StartNew();
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        latencies?.Add(operation, clock.Elapsed);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{operation} answered {(int)response.StatusCode}: {text}");
        }
        return JsonDocument.Parse(text);
    }

    /// <summary>Posts to an agent endpoint (<c>/_berth/agent/v1/…</c>) and returns the answer's body.</summary>
    public async Task<string> PostAsync(string path, string json, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(path, content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{path} answered {(int)response.StatusCode}: {text}");
        }
        return text;
    }

    public void Dispose() => _http.Dispose();
}
