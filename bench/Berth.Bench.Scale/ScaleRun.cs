using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Berth.Bench.Scale;

/// <summary>
/// One run of the harness on a cluster of its own: register the hollow instances, place the tasks through services and
/// RunTask, wait until every task is RUNNING, and print the figures, each line after <paramref name="prefix"/>. The
/// instances stop polling when the run ends.
/// </summary>
internal sealed class ScaleRun(EcsClient client, int serverPid, string prefix)
{
    private readonly Latencies _latencies = new();
    private readonly List<string> _taskArns = [];

    public async Task RunAsync(int instanceCount, int taskCount, int serviceCount, TimeSpan timeout)
    {
        var cluster = $"scale-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}";
        (await client.CallAsync("CreateCluster", $$"""{"clusterName":"{{cluster}}"}""")).Dispose();
        (await client.CallAsync("RegisterTaskDefinition",
            """{"family":"scale","containerDefinitions":[{"name":"app","image":"berth/sample-worker","cpu":128,"memory":256}]}""")).Dispose();
        Print($"cluster {cluster}, {instanceCount:N0} instances, {taskCount:N0} tasks, load average {LoadAverage()}");
        var rssStart = Rss(serverPid);

        // Registration: 16 at a time, each instance starting its poll loop once registered.
        var fleet = new HollowFleet(client, cluster);
        var zones = new[] { "us-east-1a", "us-east-1b", "us-east-1c" };
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, instanceCount), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => await fleet.AddAsync($"i-hollow{i:D5}", zones[i % zones.Length], cpu: 4096, memory: 16384));
        Print($"registered {instanceCount:N0} instances in {clock.Elapsed.TotalSeconds:N1} s");
        await Task.Delay(TimeSpan.FromSeconds(5)); // every loop's first poll is in
        var rssInstances = Rss(serverPid);

        // Placement: half through services, half through RunTask calls of 10, 8 calls at a time.
        var serviceTasks = taskCount / 2;
        var runTaskCalls = (taskCount - serviceTasks) / 10;
        var runTaskFailures = 0;
        using var placing = new CancellationTokenSource();
        clock.Restart();
        var reader = ReadUnderLoadAsync(cluster, placing.Token);
        for (var s = 0; s < serviceCount; s++)
        {
            var desired = serviceTasks / serviceCount + (s < serviceTasks % serviceCount ? 1 : 0);
            (await client.CallAsync("CreateService",
                $$"""{"cluster":"{{cluster}}","serviceName":"svc-{{s}}","taskDefinition":"scale","desiredCount":{{desired}}}""", _latencies)).Dispose();
        }
        await Parallel.ForEachAsync(Enumerable.Range(0, runTaskCalls), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
        {
            using var answer = await client.CallAsync("RunTask", $$"""{"cluster":"{{cluster}}","taskDefinition":"scale","count":10}""", _latencies);
            lock (_taskArns)
            {
                _taskArns.AddRange(answer.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("taskArn").GetString()!));
                runTaskFailures += answer.RootElement.GetProperty("failures").GetArrayLength();
            }
        });
        var runTasksAccepted = clock.Elapsed;
        var deadline = DateTime.UtcNow + timeout;
        var lastProgress = Stopwatch.StartNew();
        while (fleet.RunningCount < taskCount - runTaskFailures && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            if (lastProgress.Elapsed > TimeSpan.FromSeconds(15))
            {
                Print($"  {clock.Elapsed.TotalSeconds:N0} s: {fleet.RunningCount:N0} RUNNING");
                lastProgress.Restart();
            }
        }
        var allRunning = clock.Elapsed;
        var (polls, listed, reports) = fleet.Traffic;
        await placing.CancelAsync();
        await reader;
        var rssTasks = Rss(serverPid);

        var running = fleet.RunningCount;
        Print($"RunTask: {_taskArns.Count:N0} tasks accepted in {runTasksAccepted.TotalSeconds:N1} s ({_taskArns.Count / runTasksAccepted.TotalSeconds:N0}/s), {runTaskFailures} failures");
        Print($"end to end: {running:N0} of {taskCount:N0} tasks RUNNING after {allRunning.TotalSeconds:N1} s: {running / allRunning.TotalSeconds:N0} placements/s");
        Print($"poll errors: {fleet.PollErrors}");
        Print(string.Create(CultureInfo.InvariantCulture,
            $"agent traffic until then: {polls:N0} polls answered listing {listed:N0} tasks, {reports:N0} report requests; per task placed {(double)polls / running:N2} polls, {(double)listed / running:N2} listed, {(double)reports / running:N2} reports"));
        Print($"{"operation",-18} | {"calls",6} | {"p50 ms",8} | {"p99 ms",8}");
        foreach (var (operation, count, p50, p99) in _latencies.Summary())
        {
            Print(string.Create(CultureInfo.InvariantCulture, $"{operation,-18} | {count,6} | {p50,8:N1} | {p99,8:N1}"));
        }
        if (rssStart > 0)
        {
            Print($"server RSS: {rssStart:N0} MiB at start, {rssInstances:N0} MiB with the instances, {rssTasks:N0} MiB with the tasks: "
                + $"{(rssTasks - rssInstances) * 1000.0 / Math.Max(1, running):N1} MiB per 1,000 tasks, "
                + $"{(rssInstances - rssStart) * 1000.0 / instanceCount:N1} MiB per 1,000 instances");
        }
        Print($"load average at the end: {LoadAverage()}");
        await fleet.StopAsync();
    }

    private void Print(string line) => Console.WriteLine(prefix + line);

    /// <summary>One reader at a time, round robin over the read operations, while tasks are being placed.</summary>
    private async Task ReadUnderLoadAsync(string cluster, CancellationToken stop)
    {
        var round = 0;
        while (!stop.IsCancellationRequested)
        {
            string[] some;
            lock (_taskArns)
            {
                some = [.. _taskArns.TakeLast(10)];
            }
            var call = (round++ % 3, some.Length) switch
            {
                (0, > 0) => client.CallAsync("DescribeTasks", JsonSerializer.Serialize(new { cluster, tasks = some }), _latencies),
                (1, _) => client.CallAsync("ListTasks", $$"""{"cluster":"{{cluster}}","maxResults":100}""", _latencies),
                _ => client.CallAsync("DescribeServices", $$"""{"cluster":"{{cluster}}","services":["svc-0","svc-1"]}""", _latencies),
            };
            (await call).Dispose();
            await Task.Delay(50, CancellationToken.None);
        }
    }

    private static long Rss(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (pid <= 0 || !File.Exists(status))
        {
            return 0;
        }
        var line = File.ReadLines(status).First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
