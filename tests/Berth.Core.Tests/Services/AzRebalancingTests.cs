using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class AzRebalancingTests
{
    private const string ZoneA = "us-east-1a";
    private const string ZoneB = "us-east-1b";
    private const string ZoneC = "us-east-1c";

    private static Service Rebalanced(int desired, params Deployment[] deployments) =>
        Replica(desired, deployments) with { AvailabilityZoneRebalancing = AzRebalancing.Enabled };

    /// <summary>Instances "a", "b", "c" in zones a, b and c (as many as given).</summary>
    private static IEnumerable<ServiceInstance> Zones(params string[] zones) =>
        zones.Select(z => Instance(z[^1..]) with { AvailabilityZone = z });

    /// <summary>RUNNING tasks of the PRIMARY, <paramref name="count"/> in <paramref name="zone"/>.</summary>
    private static IEnumerable<ServiceTask> In(string zone, int count, string prefix) =>
        Enumerable.Range(1, count).Select(i => Running($"{prefix}{i}", instance: zone[^1..]) with { AvailabilityZone = zone });

    private static ServicePlan PlanOf(Service service, IEnumerable<ServiceTask> tasks, IEnumerable<ServiceInstance> instances, SchedulerState? state = null)
    {
        var list = tasks.ToList();
        return Plan(Snapshot(service, list, instances, state ?? new SchedulerState
        {
            AnnouncedTasks = [.. list.Select(t => t.TaskArn)],
            StartFailuresDeploymentId = DepOld,
            SteadyStateReportedAt = LongAgo,
        }));
    }

    [Theory]
    [InlineData(2, 2, 0)] // balanced
    [InlineData(2, 1, 0)] // off by one: as even as three tasks in two zones can be
    [InlineData(1, 0, 0)] // off by one in a zone that has none
    public void A_service_whose_zones_differ_by_at_most_one_task_is_left_as_it_is(int inA, int inB, int inC)
    {
        var zones = inC > 0 ? Zones(ZoneA, ZoneB, ZoneC) : Zones(ZoneA, ZoneB);
        var plan = PlanOf(Rebalanced(inA + inB + inC), [.. In(ZoneA, inA, "a"), .. In(ZoneB, inB, "b"), .. In(ZoneC, inC, "c")], zones);

        Assert.Empty(plan.Starts);
        Assert.Empty(plan.Stops);
        Assert.Null(plan.Scheduler.Rebalance);
        Assert.DoesNotContain(plan.Messages(), m => m.Contains("AZ", StringComparison.Ordinal));
    }

    [Fact]
    public void Off_by_two_starts_one_task_in_the_emptiest_zone_and_says_so()
    {
        var plan = PlanOf(Rebalanced(3), [.. In(ZoneA, 2, "a"), .. In(ZoneB, 1, "b")], Zones(ZoneA, ZoneB, ZoneC));

        var start = Assert.Single(plan.Starts);
        Assert.Equal((1, ZoneC, DepOld), (start.Count, start.AvailabilityZone, start.DeploymentId));
        Assert.Empty(plan.Stops);
        Assert.Contains("service (web) is not AZ balanced with 2 tasks in us-east-1a, 1 in us-east-1b, and 0 in us-east-1c. AZ Rebalancing in progress.",
            plan.Messages());
        Assert.Equal(new AzRebalance(T0) { StartZone = ZoneC, StartAskedAt = T0 }, plan.Scheduler.Rebalance);
    }

    [Fact]
    public void The_started_task_is_announced_as_a_rebalancing_start()
    {
        var state = new SchedulerState
        {
            AnnouncedTasks = [TaskArn("a1"), TaskArn("a2")],
            StartFailuresDeploymentId = DepOld,
            Rebalance = new AzRebalance(T0) { StartZone = ZoneB, StartAskedAt = T0 },
        };
        var started = Pending("new", createdAt: T0.AddSeconds(1), instance: "b") with { AvailabilityZone = ZoneB };

        var plan = PlanOf(Rebalanced(2), [.. In(ZoneA, 2, "a"), started], Zones(ZoneA, ZoneB), state);

        Assert.Contains("web has started 1 tasks in us-east-1b to AZ Rebalance: (task new).", plan.Messages());
        Assert.DoesNotContain(plan.Messages(), m => m.StartsWith("(service web) has started", StringComparison.Ordinal));
        Assert.Null(plan.Scheduler.Rebalance!.StartZone);
    }

    [Fact]
    public void The_fullest_zone_gives_up_a_task_only_once_minimum_healthy_allows_it()
    {
        var state = new SchedulerState { AnnouncedTasks = [TaskArn("a1"), TaskArn("a2"), TaskArn("new")], Rebalance = new AzRebalance(LongAgo) };
        var waiting = Pending("new", instance: "b") with { AvailabilityZone = ZoneB };
        // minimumHealthyPercent 100 (the default): the new task is not healthy yet, so neither it nor an a-task stops.
        var starting = PlanOf(Rebalanced(2), [.. In(ZoneA, 2, "a"), waiting], Zones(ZoneA, ZoneB), state);
        Assert.Empty(starting.Stops);
        Assert.Empty(starting.Starts);

        var healthy = Running("new", instance: "b") with { AvailabilityZone = ZoneB };
        var plan = PlanOf(Rebalanced(2), [.. In(ZoneA, 2, "a"), healthy], Zones(ZoneA, ZoneB), state);

        var stop = Assert.Single(plan.Stops);
        Assert.StartsWith(TaskArn("a"), stop.TaskArn, StringComparison.Ordinal);
        Assert.Contains(plan.Messages(), m => m.StartsWith("web has stopped 1 running tasks in us-east-1a due to AZ rebalancing: (task a", StringComparison.Ordinal));
        Assert.DoesNotContain(plan.Messages(), m => m.StartsWith("(service web) has stopped", StringComparison.Ordinal));
    }

    [Fact]
    public void A_balanced_service_ends_the_operation_with_its_event()
    {
        var state = new SchedulerState { AnnouncedTasks = [TaskArn("a1"), TaskArn("b1")], Rebalance = new AzRebalance(LongAgo) };

        var plan = PlanOf(Rebalanced(2), [.. In(ZoneA, 1, "a"), .. In(ZoneB, 1, "b")], Zones(ZoneA, ZoneB), state);

        Assert.Contains("service (web) is AZ balanced with 1 tasks in us-east-1a and 1 tasks in us-east-1b.", plan.Messages());
        Assert.Null(plan.Scheduler.Rebalance);
    }

    [Fact]
    public void A_zone_without_an_active_connected_instance_is_no_zone_to_balance_across()
    {
        var instances = new[]
        {
            Instance("a") with { AvailabilityZone = ZoneA },
            Instance("b", status: InstanceStatuses.Draining) with { AvailabilityZone = ZoneB },
            Instance("c", connected: false) with { AvailabilityZone = ZoneC },
        };

        var plan = PlanOf(Rebalanced(3), In(ZoneA, 3, "a"), instances);

        Assert.Empty(plan.Starts);
        Assert.Equal([ZoneA], AzRebalancing.ZonesOf(instances));
    }

    [Fact]
    public void A_disabled_service_is_never_rebalanced()
    {
        var plan = PlanOf(Replica(3) with { AvailabilityZoneRebalancing = AzRebalancing.Disabled }, In(ZoneA, 3, "a"), Zones(ZoneA, ZoneB));

        Assert.Empty(plan.Starts);
        Assert.Null(plan.Scheduler.Rebalance);
    }

    [Fact]
    public void Nothing_is_rebalanced_during_a_deployment_and_an_operation_under_way_is_dropped()
    {
        var service = Rebalanced(3, NewPrimary(), OldActive());
        var state = new SchedulerState { AnnouncedTasks = [TaskArn("a1"), TaskArn("a2"), TaskArn("a3")], Rebalance = new AzRebalance(LongAgo) };

        var plan = PlanOf(service, In(ZoneA, 3, "a"), Zones(ZoneA, ZoneB), state);

        Assert.DoesNotContain(plan.Starts, s => s.AvailabilityZone is not null);
        Assert.Null(plan.Scheduler.Rebalance);
    }

    [Fact]
    public void No_start_beyond_maximum_percent()
    {
        // desiredCount 3 at maximumPercent 120 allows 3 tasks: no room for the extra one.
        var plan = PlanOf(Rebalanced(3).WithBounds(120, 100), In(ZoneA, 3, "a"), Zones(ZoneA, ZoneB));

        Assert.Empty(plan.Starts);
    }

    [Fact]
    public void Scale_in_of_a_rebalanced_service_takes_from_the_fullest_zone()
    {
        var tasks = new[]
        {
            Running("a1", instance: "a", startedAt: LongAgo) with { AvailabilityZone = ZoneA },
            Running("a2", instance: "a", startedAt: LongAgo) with { AvailabilityZone = ZoneA },
            Running("b1", instance: "b", startedAt: LongAgo.AddMinutes(5)) with { AvailabilityZone = ZoneB },
        };

        var plan = PlanOf(Rebalanced(2).WithBounds(200, 50), tasks, Zones(ZoneA, ZoneB));

        Assert.Single(plan.Stops);
        Assert.Equal("a", plan.StoppedIds()[0][..1]);
    }

    [Theory]
    [InlineData(null, null, "ENABLED")]
    [InlineData("DISABLED", null, "DISABLED")]
    [InlineData(null, 100, "DISABLED")]
    [InlineData("ENABLED", 150, "ENABLED")]
    public void CreateService_defaults_to_enabled_for_a_service_that_supports_it(string? requested, int? maximumPercent, string expected)
    {
        var service = Replica(2) with { DeploymentConfiguration = new DeploymentConfiguration { MaximumPercent = maximumPercent } };

        Assert.Equal(expected, AzRebalancing.ForCreate(requested, service));
    }

    public static TheoryData<Service, string> Unsupported => new()
    {
        { Daemon(), "the DAEMON scheduling strategy" },
        { Replica(2).WithBounds(100, 50), "a deployment configuration maximumPercent of 100 or less" },
        { Replica(2) with { PlacementStrategy = [new PlacementStrategy { Type = "binpack", Field = "memory" }] },
            "a first placement strategy other than spread across attribute:ecs.availability-zone" },
        { Replica(2) with { PlacementConstraints = [new PlacementConstraint { Type = "memberOf", Expression = "attribute:ecs.availability-zone in [us-east-1a]" }] },
            "a placement constraint on attribute:ecs.availability-zone" },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void Enabled_is_refused_for_what_rebalancing_does_not_support(Service service, string reason)
    {
        var e = Assert.Throws<InvalidParameterException>(() => AzRebalancing.ForCreate(AzRebalancing.Enabled, service));

        Assert.Equal($"Availability Zone rebalancing is not supported for services with {reason}.", e.Message);
        Assert.Equal(AzRebalancing.Disabled, AzRebalancing.ForCreate(null, service));
    }

    [Fact]
    public void A_spread_across_zones_first_is_supported()
    {
        var service = Replica(2) with
        {
            PlacementStrategy = [new PlacementStrategy { Type = "spread", Field = "attribute:ecs.availability-zone" }, new PlacementStrategy { Type = "binpack", Field = "cpu" }],
        };

        Assert.Equal(AzRebalancing.Enabled, AzRebalancing.ForCreate(AzRebalancing.Enabled, service));
    }

    [Theory]
    [InlineData(null, null, "DISABLED")] // never set: treated as DISABLED
    [InlineData(null, "ENABLED", "ENABLED")] // kept
    [InlineData("DISABLED", "ENABLED", "DISABLED")]
    [InlineData("ENABLED", "DISABLED", "ENABLED")]
    public void UpdateService_keeps_the_value_unless_it_names_one(string? requested, string? current, string expected)
    {
        var service = Replica(2) with { AvailabilityZoneRebalancing = current };

        Assert.Equal(expected, AzRebalancing.ForUpdate(requested, service, service));
    }
}
