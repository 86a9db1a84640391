using Berth.Core.Ecs;
using Berth.Core.Placement;
using static Berth.Core.Tests.Placement.PlacementFixtures;

namespace Berth.Core.Tests.Placement;

/// <summary>
/// The kept, incremental index must choose exactly what a full scan of the same cluster chooses, after any
/// history of plans, placed and stopped tasks, agents coming and going, and instances joining and draining.
/// </summary>
public sealed class ClusterIndexTests
{
    private static readonly PlacementStrategy[][] StrategySets =
    [
        [],
        [RandomStrategy()],
        [Binpack("cpu")],
        [Binpack("memory")],
        [Spread("instanceId")],
        [Spread("attribute:ecs.availability-zone")],
        [Spread("attribute:ecs.availability-zone"), Binpack("memory")],
        [Spread("attribute:ecs.availability-zone"), Spread("instanceId")],
        [Spread("attribute:ecs.availability-zone"), RandomStrategy()],
        [Binpack("memory"), RandomStrategy()],
        [Spread("attribute:rack"), Spread("attribute:ecs.availability-zone"), Binpack("cpu")],
    ];

    private static readonly PlacementConstraint[][] ConstraintSets =
    [
        [],
        [DistinctInstance()],
        [MemberOf("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]")],
        [MemberOf("runningTasksCount < 4")],
        [MemberOf("not(task:group == service:api)"), DistinctInstance()],
    ];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_index_places_exactly_as_a_full_scan_of_the_same_cluster_after_any_history(int seed)
    {
        var random = new Random(seed);
        var cluster = Enumerable.Range(0, random.Next(1, 30)).Select(i => RandomInstance(random, $"i{random.Next(1000):D3}-{i}"))
            .ToDictionary(i => i.ContainerInstanceArn);
        var index = new ClusterIndex(new ClusterSnapshot([.. cluster.Values]));
        // A few request shapes used again and again, so views are kept, refreshed and reused.
        var shapes = Enumerable.Range(0, 4).Select(_ => RandomRequest(random)).ToArray();
        var taskNumber = 0;

        for (var step = 0; step < 60; step++)
        {
            var request = shapes[random.Next(shapes.Length)] with { Count = random.Next(1, 11) };
            var planSeed = random.Next();
            var indexed = index.Place(request, new Random(planSeed));
            var scanned = PlacementEngine.Place(new ClusterSnapshot([.. cluster.Values]), request, new Random(planSeed));
            Assert.Equal(Describe(scanned), Describe(indexed));

            // Commit the plan's copies, then change the cluster the way a running server sees it change.
            foreach (var placement in indexed.Placements)
            {
                var task = new PlacedTask($"arn:aws:ecs:us-east-1:123456789012:task/test/t{taskNumber++}", request.Group, "web");
                cluster[placement.ContainerInstanceArn] = WithTask(cluster[placement.ContainerInstanceArn], task, request.Needs);
                index.Placed(placement.ContainerInstanceArn, task, request.Needs);
            }
            ChangeSomething(random, cluster, index, shapes);
        }
    }

    [Fact]
    public void A_trailing_random_strategy_picks_among_ties_as_a_full_scan_does_after_the_heaps_have_moved()
    {
        var instances = Enumerable.Range(0, 16).Select(i => Instance($"i{i:D2}", memory: 4096)).ToArray();
        var index = new ClusterIndex(new ClusterSnapshot(instances));
        var request = Request(count: 1, memory: 256, strategies: [Binpack("memory"), RandomStrategy()]);
        _ = index.Place(request, new Random(1));
        // Tasks placed and stopped again leave every instance as it was, but the heap in a different layout.
        var tasks = PlacedTasks("family:web", 16);
        foreach (var i in new[] { 15, 3, 9, 0, 12, 6 })
        {
            index.Placed(instances[i].ContainerInstanceArn, tasks[i], request.Needs);
        }
        foreach (var i in new[] { 0, 15, 6, 3, 12, 9 })
        {
            index.Stopped(instances[i].ContainerInstanceArn, tasks[i].TaskArn, request.Needs);
        }

        for (var seed = 0; seed < 20; seed++)
        {
            var scanned = PlacementEngine.Place(new ClusterSnapshot(instances), request, new Random(seed));
            Assert.Equal(Ids(scanned), Ids(index.Place(request, new Random(seed))));
        }
    }

    [Fact]
    public void Placing_through_the_index_leaves_the_index_as_it_was()
    {
        var index = new ClusterIndex(new ClusterSnapshot([Instance("a", memory: 1024), Instance("b", memory: 2048)]));
        var request = Request(count: 3, memory: 256, strategies: [Binpack("memory")]);
        var first = index.Place(request, new Random(1));
        var second = index.Place(request, new Random(1));
        Assert.Equal(["a", "a", "a"], Ids(first));
        Assert.Equal(Ids(first), Ids(second));
        Assert.Equal(1, index.ViewCount);
    }

    [Fact]
    public void A_placed_task_is_seen_by_the_next_plan_and_a_stopped_one_frees_its_room()
    {
        var index = new ClusterIndex(new ClusterSnapshot([Instance("a", memory: 512), Instance("b", memory: 4096)]));
        var request = Request(count: 1, memory: 512, strategies: [Binpack("memory")]);
        Assert.Equal(["a"], Ids(index.Place(request, new Random(1))));

        var task = PlacedTasks("family:web", 1)[0];
        index.Placed(Arn("a"), task, request.Needs);
        Assert.Equal(["b"], Ids(index.Place(request, new Random(1))));

        index.Stopped(Arn("a"), task.TaskArn, request.Needs);
        Assert.Equal(["a"], Ids(index.Place(request, new Random(1))));
    }

    [Fact]
    public void A_fixed_host_port_of_a_placed_task_blocks_the_instance_until_the_task_stops()
    {
        var index = new ClusterIndex(new ClusterSnapshot([Instance("a"), Instance("b", agent: false)]));
        var request = Request(count: 1, tcp: [80]);
        var task = PlacedTasks("family:web", 1)[0];
        index.Placed(Arn("a"), task, request.Needs);

        var plan = index.Place(request, new Random(1));

        Assert.Equal(PlacementFailureReasons.Ports, Assert.Single(plan.Failures).Reason);
        index.Stopped(Arn("a"), task.TaskArn, request.Needs);
        Assert.Equal(["a"], Ids(index.Place(request, new Random(1))));
    }

    [Fact]
    public void Instances_that_join_or_leave_ACTIVE_join_or_leave_the_candidates()
    {
        var index = new ClusterIndex(new ClusterSnapshot([Instance("b", status: "DRAINING")]));
        var request = Request(count: 1);
        Assert.Equal(PlacementFailureReasons.NoContainerInstances, Assert.Single(index.Place(request, new Random(1)).Failures).Reason);

        index.Update(Instance("a"));
        Assert.Equal(["a"], Ids(index.Place(request, new Random(1))));

        index.Update(Instance("a", status: "DRAINING"));
        index.Update(Instance("b"));
        Assert.Equal(["b"], Ids(index.Place(request, new Random(1))));
        Assert.Equal(1, index.InstanceCount);
    }

    [Fact]
    public void A_changed_attribute_moves_the_instance_to_its_new_spread_cell()
    {
        var index = new ClusterIndex(new ClusterSnapshot([
            Instance("a", az: "us-east-1a", tasks: PlacedTasks("service:web", 1)),
            Instance("b", az: "us-east-1b"),
        ]));
        var request = Request(count: 1, group: "service:web", strategies: [Spread("attribute:ecs.availability-zone")]);
        Assert.Equal(["b"], Ids(index.Place(request, new Random(1))));

        index.Update(Instance("b", az: "us-east-1a"));

        // Both now share us-east-1a (one task): the lowest ARN wins.
        Assert.Equal(["a"], Ids(index.Place(request, new Random(1))));
    }

    private static void ChangeSomething(Random random, Dictionary<string, InstanceCandidate> cluster, ClusterIndex index, PlacementRequest[] shapes)
    {
        var arns = cluster.Keys.Order(StringComparer.Ordinal).ToArray();
        var arn = arns[random.Next(arns.Length)];
        var instance = cluster[arn];
        InstanceCandidate changed;
        switch (random.Next(8))
        {
            case 0 or 1 or 2 when instance.Tasks.Count > 0:
                // A task stops: it gives back what its shape needed (tasks of the fixtures hold no ports).
                var task = instance.Tasks[random.Next(instance.Tasks.Count)];
                var needs = shapes.FirstOrDefault(s => s.Group == task.Group)?.Needs ?? ResourceSet.Empty;
                cluster[arn] = instance with
                {
                    Remaining = new ResourceSet(
                        instance.Remaining.Cpu + needs.Cpu,
                        instance.Remaining.Memory + needs.Memory,
                        new HashSet<int>(instance.Remaining.TcpPorts.Except(needs.TcpPorts)),
                        new HashSet<int>(instance.Remaining.UdpPorts.Except(needs.UdpPorts))),
                    Tasks = [.. instance.Tasks.Where(t => t.TaskArn != task.TaskArn)],
                };
                index.Stopped(arn, task.TaskArn, needs);
                return;
            case 3:
                changed = instance with { AgentConnected = !instance.AgentConnected };
                break;
            case 4:
                changed = instance with { Status = instance.Status == "ACTIVE" ? "DRAINING" : "ACTIVE" };
                break;
            case 5:
                changed = RandomInstance(random, $"new-{random.Next(1000):D3}");
                break;
            case 6:
                changed = instance with
                {
                    Attributes = new Dictionary<string, string?>(instance.Attributes) { ["rack"] = $"r{random.Next(3)}" },
                };
                break;
            default:
                return;
        }
        cluster[changed.ContainerInstanceArn] = changed;
        index.Update(changed);
    }

    private static InstanceCandidate WithTask(InstanceCandidate instance, PlacedTask task, ResourceSet needs) => instance with
    {
        Remaining = new ResourceSet(
            instance.Remaining.Cpu - needs.Cpu,
            instance.Remaining.Memory - needs.Memory,
            new HashSet<int>(instance.Remaining.TcpPorts.Concat(needs.TcpPorts)),
            new HashSet<int>(instance.Remaining.UdpPorts.Concat(needs.UdpPorts))),
        Tasks = [.. instance.Tasks, task],
    };

    // Resources in coarse steps, so binpack ties often and a trailing random strategy has ties to pick among.
    private static InstanceCandidate RandomInstance(Random random, string id) => Instance(
        id,
        cpu: random.Next(0, 12) * 256,
        memory: random.Next(0, 24) * 256,
        az: random.Next(8) == 0 ? null : $"us-east-1{(char)('a' + random.Next(3))}",
        status: random.Next(10) == 0 ? "DRAINING" : "ACTIVE",
        agent: random.Next(12) != 0,
        tcp: random.Next(3) == 0 ? [22, 80] : [22],
        tasks: [.. PlacedTasks("service:web", random.Next(3)), .. PlacedTasks("service:api", random.Next(3))],
        attributes: random.Next(6) == 0 ? null : new Dictionary<string, string?> { ["rack"] = $"r{random.Next(4)}" });

    private static PlacementRequest RandomRequest(Random random) => Request(
        cpu: random.Next(0, 3) * 256,
        memory: random.Next(1, 5) * 256,
        group: random.Next(2) == 0 ? "service:web" : "service:api",
        strategies: StrategySets[random.Next(StrategySets.Length)],
        constraints: ConstraintSets[random.Next(ConstraintSets.Length)],
        tcp: random.Next(5) == 0 ? [80] : null,
        required: random.Next(6) == 0 ? ["rack"] : null);

    private static string[] Describe(PlacementPlan plan) =>
    [
        .. plan.Placements.Select(p => p.ContainerInstanceArn),
        .. plan.Failures.Select(f => $"{f.Arn} {f.Reason} {f.Detail}"),
    ];
}
