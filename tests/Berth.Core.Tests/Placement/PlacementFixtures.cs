using Berth.Core.Ecs;
using Berth.Core.Placement;

namespace Berth.Core.Tests.Placement;

/// <summary>Small builders so each placement case reads as its cluster, its request and its expected plan.</summary>
internal static class PlacementFixtures
{
    public const string ArnPrefix = "arn:aws:ecs:us-east-1:123456789012:container-instance/test/";

    public static readonly DateTimeOffset Registered = new(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static string Arn(string id) => ArnPrefix + id;

    public static InstanceCandidate Instance(
        string id,
        int cpu = 2048,
        int memory = 4096,
        string? az = "us-east-1a",
        string status = "ACTIVE",
        bool agent = true,
        int[]? tcp = null,
        int[]? udp = null,
        PlacedTask[]? tasks = null,
        IReadOnlyDictionary<string, string?>? attributes = null,
        string? agentVersion = "1.80.0",
        DateTimeOffset? registeredAt = null)
    {
        var all = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ecs.os-type"] = "linux",
            ["ecs.instance-type"] = "t3.large",
        };
        if (az is not null)
        {
            all["ecs.availability-zone"] = az;
        }
        foreach (var (name, value) in attributes ?? new Dictionary<string, string?>())
        {
            all[name] = value;
        }
        return new InstanceCandidate(
            Arn(id),
            "i-" + id,
            status,
            agent,
            new ResourceSet(cpu, memory, new HashSet<int>(tcp ?? [22]), new HashSet<int>(udp ?? [])),
            all,
            tasks ?? [],
            registeredAt ?? Registered)
        {
            AgentVersion = agentVersion,
        };
    }

    public static PlacedTask[] PlacedTasks(string group, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new PlacedTask($"arn:aws:ecs:us-east-1:123456789012:task/test/{group}-{i}", group, "web"))];

    public static PlacementRequest Request(
        int count = 1,
        int cpu = 128,
        int memory = 256,
        string group = "family:web",
        PlacementStrategy[]? strategies = null,
        PlacementConstraint[]? constraints = null,
        int[]? tcp = null,
        int[]? udp = null,
        string[]? required = null) =>
        new(
            new ResourceSet(cpu, memory, new HashSet<int>(tcp ?? []), new HashSet<int>(udp ?? [])),
            count,
            group,
            "web",
            strategies ?? [],
            constraints ?? [],
            required ?? []);

    public static PlacementStrategy Binpack(string field) => new() { Type = "binpack", Field = field };

    public static PlacementStrategy Spread(string field) => new() { Type = "spread", Field = field };

    public static PlacementStrategy RandomStrategy() => new() { Type = "random" };

    public static PlacementConstraint MemberOf(string expression) => new() { Type = "memberOf", Expression = expression };

    public static PlacementConstraint DistinctInstance() => new() { Type = "distinctInstance" };

    public static PlacementPlan Place(PlacementRequest request, params InstanceCandidate[] instances) =>
        PlacementEngine.Place(new ClusterSnapshot(instances), request, new Random(42));

    /// <summary>The instance ids the copies went to, in placement order.</summary>
    public static string[] Ids(PlacementPlan plan) => [.. plan.Placements.Select(p => p.ContainerInstanceArn[ArnPrefix.Length..])];

    public static string Joined(PlacementPlan plan) => string.Join(",", Ids(plan));
}
