// Measures the API over real HTTP on loopback: an in-process Berth server (SQLite in a temp directory)
// and concurrent clients in the same process. Usage:
//   dotnet run -c Release --project bench/Berth.Bench.Api -- [requests per operation] [concurrency]
// Prints p50/p99 latency and requests per second for each measured operation.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Berth.Bench.Api;
using Berth.Server;

var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
var dataDirectory = Directory.CreateTempSubdirectory("berth-bench-").FullName;
try
{
    var options = new ServerOptions { Port = 0, DataDirectory = dataDirectory };
    await using var app = await BerthServer.BuildAsync(options, CancellationToken.None);
    await app.StartAsync();
    using var client = new EcsClient(BerthServer.EndpointOf(app));

    // A realistic amount of state: 50 clusters and 20 families of 10 revisions.
    for (var i = 0; i < 50; i++)
    {
        await client.CallAsync("CreateCluster", $$"""{"clusterName":"bench-{{i}}"}""");
    }
    for (var family = 0; family < 20; family++)
    {
        for (var revision = 0; revision < 10; revision++)
        {
            await client.CallAsync("RegisterTaskDefinition",
                $$"""{"family":"bench-{{family}}","containerDefinitions":[{"name":"web","image":"berth/sample-web","memory":64,"portMappings":[{"containerPort":80}]}]}""");
        }
    }

    Console.WriteLine($"requests per operation: {requests}, concurrency: {concurrency}, cores: {Environment.ProcessorCount}");
    await LoadRun.MeasureAsync("DescribeTaskDefinition", () => client.CallAsync("DescribeTaskDefinition", """{"taskDefinition":"bench-7:5"}"""), requests, concurrency);
    await LoadRun.MeasureAsync("DescribeTaskDefinition (family)", () => client.CallAsync("DescribeTaskDefinition", """{"taskDefinition":"bench-7"}"""), requests, concurrency);
    await LoadRun.MeasureAsync("ListClusters", () => client.CallAsync("ListClusters", "{}"), requests, concurrency);
    await LoadRun.MeasureAsync("RegisterTaskDefinition", () => client.CallAsync("RegisterTaskDefinition",
        """{"family":"bench-write","containerDefinitions":[{"name":"web","image":"berth/sample-web","memory":64}]}"""), requests / 10, concurrency);
    Console.WriteLine($"server working set after run: {Process.GetCurrentProcess().WorkingSet64 / (1024 * 1024)} MiB (server and clients share the process)");
    await app.StopAsync();
}
finally
{
    Directory.Delete(dataDirectory, recursive: true);
}

namespace Berth.Bench.Api
{
    /// <summary>Sends ECS JSON 1.1 requests; a non-200 answer fails the run, so errors cannot pass for speed.</summary>
    internal sealed class EcsClient(Uri endpoint) : IDisposable
    {
        private readonly HttpClient _http = new() { BaseAddress = endpoint };

        public async Task CallAsync(string operation, string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/");
            request.Headers.Add("X-Amz-Target", $"AmazonEC2ContainerServiceV20141113.{operation}");
            request.Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1");
            using var response = await _http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{operation} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            await response.Content.ReadAsByteArrayAsync();
        }

        public void Dispose() => _http.Dispose();
    }

    /// <summary>Runs one operation <c>requests</c> times from <c>concurrency</c> workers and reports latency percentiles.</summary>
    internal static class LoadRun
    {
        public static async Task MeasureAsync(string name, Func<Task> call, int requests, int concurrency)
        {
            for (var i = 0; i < Math.Min(requests / 10, 500); i++)
            {
                await call(); // warm-up: JIT, connection pool, SQLite page cache
            }
            var latencies = new double[requests];
            var next = -1;
            var total = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < requests)
                {
                    var start = Stopwatch.GetTimestamp();
                    await call();
                    latencies[index] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            }));
            total.Stop();
            Array.Sort(latencies);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-34} p50 {Percentile(latencies, 0.50),7:F2} ms   p99 {Percentile(latencies, 0.99),7:F2} ms   {requests / total.Elapsed.TotalSeconds,9:F0} req/s"));
        }

        private static double Percentile(double[] sorted, double p) => sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(p * sorted.Length) - 1)];
    }
}
