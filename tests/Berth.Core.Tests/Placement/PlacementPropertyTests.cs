using Berth.Core.Ecs;
using Berth.Core.Placement;
using static Berth.Core.Tests.Placement.PlacementFixtures;

namespace Berth.Core.Tests.Placement;

/// <summary>Invariants that must hold for any cluster and any request, checked over many random ones.</summary>
public sealed class PlacementPropertyTests
{
    private static readonly PlacementStrategy[][] StrategySets =
    [
        [],
        [RandomStrategy()],
        [Binpack("cpu")],
        [Binpack("memory")],
        [Spread("instanceId")],
        [Spread("attribute:ecs.availability-zone"), Binpack("memory")],
        [Spread("attribute:ecs.availability-zone"), Spread("instanceId")],
        [Binpack("cpu"), RandomStrategy()],
    ];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 60)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_plan_never_overcommits_an_instance_and_accounts_for_every_copy(int seed)
    {
        var random = new Random(seed);
        var instances = Enumerable.Range(0, random.Next(1, 25)).Select(i => Instance(
            $"i{i:D2}",
            cpu: random.Next(0, 4096),
            memory: random.Next(0, 8192),
            az: $"us-east-1{(char)('a' + random.Next(3))}",
            status: random.Next(10) == 0 ? "DRAINING" : "ACTIVE",
            agent: random.Next(12) != 0,
            tcp: random.Next(3) == 0 ? [22, 80] : [22],
            tasks: PlacedTasks(random.Next(2) == 0 ? "service:web" : "service:api", random.Next(4)))).ToArray();
        var fixedPort = random.Next(3) == 0;
        var request = Request(
            count: random.Next(1, 120),
            cpu: random.Next(0, 1024),
            memory: random.Next(1, 2048),
            group: "service:web",
            strategies: StrategySets[random.Next(StrategySets.Length)],
            constraints: random.Next(4) == 0 ? [DistinctInstance()] : [],
            tcp: fixedPort ? [80] : null);

        var plan = PlacementEngine.Place(new ClusterSnapshot(instances), request, new Random(seed));

        Assert.Equal(request.Count, plan.Placements.Count + plan.Failures.Count);
        var byArn = instances.ToDictionary(i => i.ContainerInstanceArn);
        foreach (var group in plan.Placements.GroupBy(p => p.ContainerInstanceArn))
        {
            var instance = byArn[group.Key];
            var copies = group.Count();
            Assert.Equal("ACTIVE", instance.Status);
            Assert.True(instance.AgentConnected);
            Assert.True(copies * request.Needs.Cpu <= instance.Remaining.Cpu, $"CPU overcommitted on {group.Key}");
            Assert.True(copies * request.Needs.Memory <= instance.Remaining.Memory, $"memory overcommitted on {group.Key}");
            if (fixedPort)
            {
                Assert.Equal(1, copies);
                Assert.DoesNotContain(80, instance.Remaining.TcpPorts);
            }
            if (request.Constraints.Count > 0)
            {
                Assert.Equal(1, copies);
                Assert.DoesNotContain(instance.Tasks, t => t.Group == "service:web");
            }
        }
        // Failures come only after the last placement, and all carry a reason.
        Assert.All(plan.Failures, f => Assert.False(string.IsNullOrEmpty(f.Reason)));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_same_inputs_give_the_same_plan(int seed)
    {
        var instances = Enumerable.Range(0, 30).Select(i => Instance($"i{i:D2}", az: $"us-east-1{(char)('a' + i % 3)}")).ToArray();
        var request = Request(count: 50, strategies: StrategySets[seed % StrategySets.Length]);
        var first = PlacementEngine.Place(new ClusterSnapshot(instances), request, new Random(seed));
        var second = PlacementEngine.Place(new ClusterSnapshot([.. instances.Reverse()]), request, new Random(seed));
        Assert.Equal(Ids(first), Ids(second));
    }

    private static readonly PlacementStrategy[][] DeterministicSets =
    [
        [Binpack("cpu")],
        [Binpack("memory")],
        [Spread("instanceId")],
        [Spread("attribute:ecs.availability-zone")],
        [Spread("attribute:ecs.availability-zone"), Binpack("memory")],
        [Spread("attribute:ecs.availability-zone"), Spread("instanceId")],
        [Binpack("memory"), Spread("attribute:ecs.availability-zone")],
        [Spread("attribute:rack"), Spread("attribute:ecs.availability-zone"), Binpack("cpu")],
        [Spread("instanceId"), Binpack("cpu"), Binpack("memory")],
    ];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_engine_places_exactly_as_the_obvious_slow_algorithm(int seed)
    {
        var random = new Random(seed);
        var instances = Enumerable.Range(0, random.Next(1, 40)).Select(i => Instance(
            $"i{random.Next(1000):D3}-{i}",
            cpu: random.Next(0, 3000),
            memory: random.Next(0, 6000),
            az: random.Next(8) == 0 ? null : $"us-east-1{(char)('a' + random.Next(3))}",
            status: random.Next(10) == 0 ? "DRAINING" : "ACTIVE",
            agent: random.Next(12) != 0,
            tcp: random.Next(3) == 0 ? [22, 80] : [22],
            tasks: [.. PlacedTasks("service:web", random.Next(3)), .. PlacedTasks("service:api", random.Next(3))],
            attributes: new Dictionary<string, string?> { ["rack"] = $"r{random.Next(4)}" })).ToArray();
        var request = Request(
            count: random.Next(1, 80),
            cpu: random.Next(0, 600),
            memory: random.Next(1, 1200),
            group: "service:web",
            strategies: DeterministicSets[random.Next(DeterministicSets.Length)],
            constraints: random.Next(4) == 0 ? [DistinctInstance()] : [],
            tcp: random.Next(4) == 0 ? [80] : null);

        var plan = PlacementEngine.Place(new ClusterSnapshot(instances), request, new Random(seed));

        Assert.Equal(ReferencePlacer.Place(instances, request), plan.Placements.Select(p => p.ContainerInstanceArn).ToArray());
    }
}
