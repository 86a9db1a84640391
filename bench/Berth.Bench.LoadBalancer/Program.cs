using System.Diagnostics;
using System.Globalization;
using System.Net;

// Closed-loop HTTP/1.1 keep-alive load against one URL: <url> <seconds> <connections> [label].
// Prints requests sent, non-2xx responses and connection errors (what a zero-downtime check counts), then
// requests/s and latency percentiles. Used against a Berth listener and against nginx in the same run
// (bench/lb_vs_nginx.sh); results go to docs/performance.md.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: Berth.Bench.LoadBalancer <url> <seconds> <connections> [label]");
    return 2;
}
var url = new Uri(args[0]);
var duration = TimeSpan.FromSeconds(double.Parse(args[1], CultureInfo.InvariantCulture));
var connections = int.Parse(args[2], CultureInfo.InvariantCulture);
var label = args.Length > 3 ? args[3] : url.ToString();

using var client = new HttpClient(new SocketsHttpHandler
{
    UseProxy = false,
    MaxConnectionsPerServer = connections,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
})
{ Timeout = TimeSpan.FromSeconds(10) };

// Warm-up: JIT, connection pool, and the proxy's own pools.
await RunAsync(TimeSpan.FromSeconds(2), record: false);
var results = await RunAsync(duration, record: true);

var latencies = results.SelectMany(r => r.Latencies).Order().ToArray();
long sent = results.Sum(r => r.Sent), non2xx = results.Sum(r => r.Non2xx), errors = results.Sum(r => r.ConnectionErrors);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{label}: sent={sent} non2xx={non2xx} connection_errors={errors} rps={sent / duration.TotalSeconds:F0} " +
    $"p50={Percentile(0.50):F2}ms p99={Percentile(0.99):F2}ms max={(latencies.Length > 0 ? latencies[^1] : 0):F2}ms"));
return 0;

double Percentile(double p) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))];

async Task<WorkerResult[]> RunAsync(TimeSpan length, bool record)
{
    var stopAt = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
    return await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
    {
        var result = new WorkerResult();
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.GetAsync(url, HttpCompletionOption.ResponseContentRead);
                if ((int)response.StatusCode is < 200 or > 299)
                {
                    result.Non2xx++;
                }
            }
            catch (HttpRequestException)
            {
                result.ConnectionErrors++;
            }
            catch (TaskCanceledException)
            {
                result.ConnectionErrors++;
            }
            result.Sent++;
            if (record)
            {
                result.Latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        return result;
    })));
}

internal sealed class WorkerResult
{
    public long Sent { get; set; }
    public long Non2xx { get; set; }
    public long ConnectionErrors { get; set; }
    public List<double> Latencies { get; } = [];
}
