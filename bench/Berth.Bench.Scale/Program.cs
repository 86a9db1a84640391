// Scale harness (issue 21): hollow agents for thousands of container instances against a running Berth server,
// then tasks placed through RunTask (count 10 per call) and services, measuring end-to-end placements per second
// (RunTask or CreateService accepted → the task's RUNNING report acknowledged by the server, through the store),
// API p50/p99 under that load, and the server's RSS per 1,000 tasks. Usage, against a server you started:
//   berth server --port 4700 --data-dir /tmp/scale-sqlite            (or --store postgres://…)
//   dotnet run -c Release --project bench/Berth.Bench.Scale -- --endpoint http://127.0.0.1:4700 \
//       --server-pid <pid> --instances 2000 --tasks 20000
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Berth.Bench.Scale;

var options = Options.Parse(args);
using var client = new EcsClient(new Uri(options.Endpoint));
var cluster = $"scale-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}";
var latencies = new Latencies();
(await client.CallAsync("CreateCluster", $$"""{"clusterName":"{{cluster}}"}""")).Dispose();
(await client.CallAsync("RegisterTaskDefinition",
    """{"family":"scale","containerDefinitions":[{"name":"app","image":"berth/sample-worker","cpu":128,"memory":256}]}""")).Dispose();
Console.WriteLine($"cluster {cluster}, {options.Instances:N0} instances, {options.Tasks:N0} tasks, load average {LoadAverage()}");
var rssStart = Rss(options.ServerPid);

// Registration: 16 at a time, each instance starting its poll loop once registered.
var fleet = new HollowFleet(client, cluster);
var zones = new[] { "us-east-1a", "us-east-1b", "us-east-1c" };
var clock = Stopwatch.StartNew();
await Parallel.ForEachAsync(Enumerable.Range(0, options.Instances), new ParallelOptions { MaxDegreeOfParallelism = 16 },
    async (i, _) => await fleet.AddAsync($"i-hollow{i:D5}", zones[i % zones.Length], cpu: 4096, memory: 16384));
Console.WriteLine($"registered {options.Instances:N0} instances in {clock.Elapsed.TotalSeconds:N1} s");
await Task.Delay(TimeSpan.FromSeconds(5)); // every loop's first poll is in
var rssInstances = Rss(options.ServerPid);

// Placement: half through services (ServiceCount services), half through RunTask calls of 10, 8 calls at a time.
var serviceTasks = options.Tasks / 2;
var runTaskCalls = (options.Tasks - serviceTasks) / 10;
var taskArns = new List<string>();
var runTaskFailures = 0;
using var placing = new CancellationTokenSource();
clock.Restart();
var reader = ReadUnderLoadAsync(placing.Token);
for (var s = 0; s < options.Services; s++)
{
    var desired = serviceTasks / options.Services + (s < serviceTasks % options.Services ? 1 : 0);
    (await client.CallAsync("CreateService",
        $$"""{"cluster":"{{cluster}}","serviceName":"svc-{{s}}","taskDefinition":"scale","desiredCount":{{desired}}}""", latencies)).Dispose();
}
await Parallel.ForEachAsync(Enumerable.Range(0, runTaskCalls), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
{
    using var answer = await client.CallAsync("RunTask", $$"""{"cluster":"{{cluster}}","taskDefinition":"scale","count":10}""", latencies);
    lock (taskArns)
    {
        taskArns.AddRange(answer.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("taskArn").GetString()!));
        runTaskFailures += answer.RootElement.GetProperty("failures").GetArrayLength();
    }
});
var runTasksAccepted = clock.Elapsed;
var deadline = DateTime.UtcNow + options.Timeout;
var lastProgress = Stopwatch.StartNew();
while (fleet.RunningCount < options.Tasks - runTaskFailures && DateTime.UtcNow < deadline)
{
    await Task.Delay(100);
    if (lastProgress.Elapsed > TimeSpan.FromSeconds(15))
    {
        Console.WriteLine($"  {clock.Elapsed.TotalSeconds:N0} s: {fleet.RunningCount:N0} RUNNING");
        lastProgress.Restart();
    }
}
var allRunning = clock.Elapsed;
var (polls, listed, reports) = fleet.Traffic;
await placing.CancelAsync();
await reader;
var rssTasks = Rss(options.ServerPid);

var running = fleet.RunningCount;
Console.WriteLine($"RunTask: {taskArns.Count:N0} tasks accepted in {runTasksAccepted.TotalSeconds:N1} s ({taskArns.Count / runTasksAccepted.TotalSeconds:N0}/s), {runTaskFailures} failures");
Console.WriteLine($"end to end: {running:N0} of {options.Tasks:N0} tasks RUNNING after {allRunning.TotalSeconds:N1} s: {running / allRunning.TotalSeconds:N0} placements/s");
Console.WriteLine($"poll errors: {fleet.PollErrors}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"agent traffic until then: {polls:N0} polls answered listing {listed:N0} tasks, {reports:N0} report requests; per task placed {(double)polls / running:N2} polls, {(double)listed / running:N2} listed, {(double)reports / running:N2} reports"));
Console.WriteLine($"{"operation",-18} | {"calls",6} | {"p50 ms",8} | {"p99 ms",8}");
foreach (var (operation, count, p50, p99) in latencies.Summary())
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{operation,-18} | {count,6} | {p50,8:N1} | {p99,8:N1}"));
}
if (rssStart > 0)
{
    Console.WriteLine($"server RSS: {rssStart:N0} MiB at start, {rssInstances:N0} MiB with the instances, {rssTasks:N0} MiB with the tasks: "
        + $"{(rssTasks - rssInstances) * 1000.0 / Math.Max(1, running):N1} MiB per 1,000 tasks, "
        + $"{(rssInstances - rssStart) * 1000.0 / options.Instances:N1} MiB per 1,000 instances");
}
Console.WriteLine($"load average at the end: {LoadAverage()}");
await fleet.StopAsync();

// One reader at a time, round robin over the read operations, while tasks are being placed.
async Task ReadUnderLoadAsync(CancellationToken stop)
{
    var round = 0;
    while (!stop.IsCancellationRequested)
    {
        string[] some;
        lock (taskArns)
        {
            some = [.. taskArns.TakeLast(10)];
        }
        var call = (round++ % 3, some.Length) switch
        {
            (0, > 0) => client.CallAsync("DescribeTasks", JsonSerializer.Serialize(new { cluster, tasks = some }), latencies),
            (1, _) => client.CallAsync("ListTasks", $$"""{"cluster":"{{cluster}}","maxResults":100}""", latencies),
            _ => client.CallAsync("DescribeServices", $$"""{"cluster":"{{cluster}}","services":["svc-0","svc-1"]}""", latencies),
        };
        (await call).Dispose();
        await Task.Delay(50, CancellationToken.None);
    }
}

static long Rss(int pid)
{
    var status = $"/proc/{pid}/status";
    if (pid <= 0 || !File.Exists(status))
    {
        return 0;
    }
    var line = File.ReadLines(status).First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

namespace Berth.Bench.Scale
{
    internal sealed record Options(string Endpoint, int ServerPid, int Instances, int Tasks, int Services, TimeSpan Timeout)
    {
        public static Options Parse(string[] args)
        {
            string Value(string name, string fallback)
            {
                var at = Array.IndexOf(args, name);
                return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
            }
            int Number(string name, int fallback) => int.Parse(Value(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
            return new Options(
                Value("--endpoint", "http://127.0.0.1:4566"),
                Number("--server-pid", 0),
                Number("--instances", 2000),
                Number("--tasks", 20_000),
                Number("--services", 10),
                TimeSpan.FromMinutes(Number("--timeout-minutes", 20)));
        }
    }
}
