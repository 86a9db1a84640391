// Measures what the event recorder adds to a state commit: the same sequence of task updates committed straight to a
// SqliteStateStore and through EventRecordingStateStore (read the previous body, commit, derive, append to events.db).
// Every other update moves desiredStatus (one event), the others change only healthStatus (no event). `writers` commit
// at once, each updating tasks of its own (group commit and the ordered append show from 2 on). Usage:
//   dotnet run -c Release --project bench/Berth.Bench.EventLog -- [updates] [tasks] [writers]
using System.Diagnostics;
using System.Globalization;
using Berth.Control.Events;
using Berth.Core.Ecs;
using Berth.Store;
using Berth.Store.Events;
using Berth.Store.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

var updates = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4000;
var taskCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
var writers = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
if (taskCount % writers != 0)
{
    throw new ArgumentException("tasks must be a multiple of writers, so that no two writers update one task");
}
var directory = Directory.CreateTempSubdirectory("berth-bench-events-").FullName;
try
{
    await using var plain = await SqliteStateStore.OpenAsync(Path.Combine(directory, "plain.db"), CancellationToken.None);
    await using var log = await SqliteEventLog.OpenAsync(Path.Combine(directory, "events.db"), CancellationToken.None);
    await using var appends = new EventAppendQueue(log, NullLogger<EventAppendQueue>.Instance);
    await using var recorded = new EventRecordingStateStore(
        await SqliteStateStore.OpenAsync(Path.Combine(directory, "recorded.db"), CancellationToken.None), appends, TimeProvider.System,
        NullLogger<EventRecordingStateStore>.Instance);
    Console.WriteLine($"updates: {updates}, tasks: {taskCount}, writers: {writers}, cores: {Environment.ProcessorCount}");
    // Twice, interleaved, so neither store gets all of the warm-up.
    for (var round = 1; round <= 2; round++)
    {
        await MeasureAsync($"round {round}: SqliteStateStore", plain);
        await MeasureAsync($"round {round}: EventRecordingStateStore", recorded);
    }
}
finally
{
    Directory.Delete(directory, recursive: true);
}

async Task MeasureAsync(string name, IStateStore store)
{
    var prefix = Guid.NewGuid().ToString("N");
    var tasks = new List<(EcsTask Task, long Version)>();
    for (var i = 0; i < taskCount; i++)
    {
        var task = new EcsTask
        {
            TaskArn = $"arn:aws:ecs:us-east-1:000000000000:task/bench/{prefix}{i}",
            ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/bench",
            LastStatus = "RUNNING",
            DesiredStatus = "RUNNING",
            TaskDefinitionArn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1",
            Containers = [new Container { Name = "web", LastStatus = "RUNNING", Image = "berth/sample-web" }],
        };
        await store.CommitAsync([Put(task, 0)], CancellationToken.None);
        tasks.Add((task, 1));
    }
    var latencies = new double[updates];
    var total = Stopwatch.StartNew();
    // Writer w makes updates w, w + writers, … of tasks w, w + writers, …: no two writers touch one task.
    await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
    {
        for (var u = w; u < updates; u += writers)
        {
            var (task, version) = tasks[u % taskCount];
            var next = u / writers % 2 == 0
                ? task with { DesiredStatus = task.DesiredStatus == "RUNNING" ? "STOPPED" : "RUNNING" }
                : task with { HealthStatus = task.HealthStatus == "HEALTHY" ? "UNKNOWN" : "HEALTHY" };
            var started = Stopwatch.GetTimestamp();
            await store.CommitAsync([Put(next, version)], CancellationToken.None);
            latencies[u] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            tasks[u % taskCount] = (next, version + 1);
        }
    })));
    total.Stop();
    Array.Sort(latencies);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-40} p50 {latencies[updates / 2]:F3} ms  p99 {latencies[updates * 99 / 100]:F3} ms  mean {latencies.Average():F3} ms  {updates / total.Elapsed.TotalSeconds:F0} commits/s"));
}

static PutRecord Put(EcsTask task, long version) =>
    EcsRecords.Tasks.Put(task.TaskArn!, task.ClusterArn!, EcsRecords.TaskSortKey(task), task, version);
