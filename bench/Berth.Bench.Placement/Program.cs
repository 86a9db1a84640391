using System.Diagnostics;
using System.Globalization;
using Berth.Core.Ecs;
using Berth.Core.Placement;

// Places 10,000 tasks (cpu 128, memory 256) onto simulated clusters of 1,000 and 10,000 instances spread over
// three zones, with each strategy mix, three ways: one plan of 10,000 copies (a service scaling up), 1,000
// RunTask-sized plans of 10 copies against the same snapshot (per-request set-up cost included), and 1,000
// plans of 10 through a ClusterIndex kept across them, each plan's copies reported back to it as committed
// (ClusterIndex.Placed) before the next plan, as a server keeping the index would.
// Rates are per CPU-second of the placing thread (what placing costs) and per wall-clock second (what this
// machine delivered under its load at the time).
// Usage: dotnet run -c Release --project bench/Berth.Bench.Placement [-- --runs 5]

var runs = args.Length == 2 && args[0] == "--runs" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
const int Tasks = 10_000;

var mixes = new (string Name, PlacementStrategy[] Strategies)[]
{
    ("binpack(memory)", [new() { Type = "binpack", Field = "memory" }]),
    ("spread(zone)+binpack(memory)",
        [new() { Type = "spread", Field = "attribute:ecs.availability-zone" }, new() { Type = "binpack", Field = "memory" }]),
    ("random", [new() { Type = "random" }]),
};

Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} logical cores, median of {runs} runs, load average {LoadAverage()}");
Console.WriteLine($"{"instances",9} | {"strategies",-30} | {"plan shape",-18} | {"per CPU-second",14} | {"CPU ms",8} | {"per wall-second",15} | {"alloc MB",8}");
Console.WriteLine(new string('-', 122));
foreach (var instanceCount in new[] { 1_000, 10_000 })
{
    var snapshot = Cluster(instanceCount);
    foreach (var (name, strategies) in mixes)
    {
        foreach (var (batch, indexed) in new[] { (Tasks, false), (10, false), (10, true) })
        {
            var request = new PlacementRequest(
                new ResourceSet(128, 256, new HashSet<int>(), new HashSet<int>()),
                batch, "service:bench", "bench", strategies, [], []);
            Run(snapshot, request, Tasks / batch, indexed); // warm-up
            var samples = new List<(double Cpu, double Wall, long Bytes)>();
            for (var run = 0; run < runs; run++)
            {
                samples.Add(Run(snapshot, request, Tasks / batch, indexed));
            }
            var (cpu, wall, bytes) = samples.OrderBy(s => s.Cpu).ElementAt(samples.Count / 2);
            var shape = (batch, indexed) switch
            {
                (Tasks, _) => "1 x 10,000",
                (_, false) => "1,000 x 10",
                _ => "1,000 x 10 indexed",
            };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{instanceCount,9:N0} | {name,-30} | {shape,-18} | {Tasks / cpu,14:N0} | {cpu * 1000,8:N1} | {Tasks / wall,15:N0} | {bytes / 1e6,8:N1}"));
        }
    }
}

Console.WriteLine($"load average at the end: {LoadAverage()}");

// Other work on the machine skews wall-clock figures; the load average says how much there was.
static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

// Indexed runs start from an index of the snapshot built before the clock starts (once per server, not per
// request); its views for the request are built inside the clock, on the first plan.
static (double Cpu, double Wall, long Bytes) Run(ClusterSnapshot snapshot, PlacementRequest request, int plans, bool indexed)
{
    var random = new Random(1);
    var index = indexed ? new ClusterIndex(snapshot) : null;
    var taskNumber = 0;
    var bytes = GC.GetAllocatedBytesForCurrentThread();
    var cpu = ThreadClock.Now();
    var clock = Stopwatch.StartNew();
    var placed = 0;
    for (var i = 0; i < plans; i++)
    {
        if (index is null)
        {
            placed += PlacementEngine.Place(snapshot, request, random).Placements.Count;
            continue;
        }
        foreach (var placement in index.Place(request, random).Placements)
        {
            var task = new PlacedTask($"arn:aws:ecs:us-east-1:123456789012:task/bench/placed{taskNumber++}", request.Group, request.TaskDefinitionFamily);
            index.Placed(placement.ContainerInstanceArn, task, request.Needs);
            placed++;
        }
    }
    clock.Stop();
    var cpuSeconds = (ThreadClock.Now() - cpu).TotalSeconds;
    if (placed != plans * request.Count)
    {
        throw new InvalidOperationException($"Placed {placed} of {plans * request.Count}.");
    }
    return (cpuSeconds, clock.Elapsed.TotalSeconds, GC.GetAllocatedBytesForCurrentThread() - bytes);
}

static ClusterSnapshot Cluster(int count)
{
    var zones = new[] { "us-east-1a", "us-east-1b", "us-east-1c" };
    var random = new Random(7);
    var instances = new InstanceCandidate[count];
    for (var i = 0; i < count; i++)
    {
        var id = i.ToString("x32", CultureInfo.InvariantCulture);
        // Room for 16 to 32 tasks each, with 0 to 3 tasks already running (of the benchmark's group or
        // another), so binpack and spread have real choices to make.
        var size = random.Next(2) == 0 ? 1 : 2;
        var used = random.Next(4);
        var tasks = new PlacedTask[used];
        for (var t = 0; t < used; t++)
        {
            var group = random.Next(2) == 0 ? "service:bench" : "service:other";
            tasks[t] = new PlacedTask($"arn:aws:ecs:us-east-1:123456789012:task/bench/{id}{t}", group, group[8..]);
        }
        instances[i] = new InstanceCandidate(
            $"arn:aws:ecs:us-east-1:123456789012:container-instance/bench/{id}",
            $"i-{id[..17]}",
            "ACTIVE",
            true,
            new ResourceSet(2048 * size - 128 * used, 4096 * size - 256 * used, new HashSet<int> { 22, 2375, 2376, 51678, 51679 }, new HashSet<int>()),
            new Dictionary<string, string?>
            {
                ["ecs.availability-zone"] = zones[i % zones.Length],
                ["ecs.instance-type"] = size == 1 ? "m5.large" : "m5.xlarge",
                ["ecs.os-type"] = "linux",
            },
            tasks,
            DateTimeOffset.UnixEpoch);
    }
    return new ClusterSnapshot(instances);
}
