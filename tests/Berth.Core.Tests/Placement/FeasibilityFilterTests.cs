using Berth.Core.Placement;
using static Berth.Core.Tests.Placement.PlacementFixtures;

namespace Berth.Core.Tests.Placement;

public sealed class FeasibilityFilterTests
{
    private static readonly Berth.Core.Ecs.PlacementStrategy[] ByArn = [Binpack("cpu")];

    [Fact]
    public void A_task_that_fits_goes_to_the_only_instance()
    {
        var plan = Place(Request(), Instance("a"));
        Assert.Equal(["a"], Ids(plan));
        Assert.Empty(plan.Failures);
    }

    [Theory]
    [InlineData("DRAINING")]
    [InlineData("INACTIVE")]
    [InlineData("REGISTERING")]
    public void Only_ACTIVE_instances_receive_tasks(string status)
    {
        var plan = Place(Request(strategies: ByArn), Instance("a", status: status, cpu: 8000), Instance("b"));
        Assert.Equal(["b"], Ids(plan));
    }

    [Fact]
    public void A_cluster_without_ACTIVE_instances_fails_every_copy_with_ECS_message_and_no_ARN()
    {
        var plan = Place(Request(count: 3), Instance("a", status: "DRAINING"));
        Assert.Empty(plan.Placements);
        Assert.Equal(3, plan.Failures.Count);
        Assert.All(plan.Failures, f =>
        {
            Assert.Equal("No Container Instances were found in your cluster.", f.Reason);
            Assert.Null(f.Arn);
        });
    }

    [Fact]
    public void An_empty_cluster_fails_with_no_container_instances()
    {
        var plan = Place(Request());
        Assert.Equal(PlacementFailureReasons.NoContainerInstances, Assert.Single(plan.Failures).Reason);
    }

    [Theory]
    // Each filter on its own: the only instance fails it, and the reason is ECS's string for that filter.
    [InlineData("agent", "AGENT")]
    [InlineData("attribute", "ATTRIBUTE")]
    [InlineData("cpu", "RESOURCE:CPU")]
    [InlineData("memory", "RESOURCE:MEMORY")]
    [InlineData("tcp", "RESOURCE:PORTS")]
    [InlineData("udp", "RESOURCE:PORTS_UDP")]
    [InlineData("memberOf", "MemberOf placement constraint unsatisfied.")]
    [InlineData("distinct", "DistinctInstance placement constraint unsatisfied.")]
    public void Each_filter_fails_with_ECS_reason_naming_the_instance(string filter, string reason)
    {
        var instance = filter switch
        {
            "agent" => Instance("a", agent: false),
            "cpu" => Instance("a", cpu: 100),
            "memory" => Instance("a", memory: 255),
            "tcp" => Instance("a", tcp: [22, 80]),
            "udp" => Instance("a", udp: [53]),
            "distinct" => Instance("a", tasks: PlacedTasks("family:web", 1)),
            _ => Instance("a"),
        };
        var request = Request(
            tcp: filter == "tcp" ? [80] : null,
            udp: filter == "udp" ? [53] : null,
            required: filter == "attribute" ? ["ecs.capability.container-health-check"] : null,
            constraints: filter switch
            {
                "memberOf" => [MemberOf("attribute:ecs.instance-type =~ g2.*")],
                "distinct" => [DistinctInstance()],
                _ => null,
            });

        var plan = Place(request, instance);

        Assert.Empty(plan.Placements);
        var failure = Assert.Single(plan.Failures);
        Assert.Equal(reason, failure.Reason);
        Assert.Equal(Arn("a"), failure.Arn);
        Assert.StartsWith("No container instance met all of the task's requirements. The closest matching container-instance a ", failure.Detail);
    }

    [Theory]
    [InlineData(128, 256, true)]
    [InlineData(129, 256, false)]
    [InlineData(128, 257, false)]
    [InlineData(0, 0, true)]
    public void Resources_fit_up_to_exactly_what_is_left(int cpu, int memory, bool fits)
    {
        var plan = Place(Request(cpu: cpu, memory: memory), Instance("a", cpu: 128, memory: 256));
        Assert.Equal(fits, plan.Placements.Count == 1);
    }

    [Fact]
    public void The_failure_names_the_instance_that_got_furthest_through_the_filters()
    {
        // a fails on its agent, b on CPU, c on memory: c came closest.
        var plan = Place(Request(cpu: 512, memory: 1024),
            Instance("a", agent: false),
            Instance("b", cpu: 256),
            Instance("c", memory: 512));
        var failure = Assert.Single(plan.Failures);
        Assert.Equal(Arn("c"), failure.Arn);
        Assert.Equal(PlacementFailureReasons.Memory, failure.Reason);
        Assert.Contains("has insufficient memory available", failure.Detail);
    }

    [Fact]
    public void Among_equally_close_instances_the_failure_names_the_lowest_ARN()
    {
        var plan = Place(Request(cpu: 512), Instance("c", cpu: 256), Instance("b", cpu: 256));
        Assert.Equal(Arn("b"), Assert.Single(plan.Failures).Arn);
    }

    [Fact]
    public void Filters_run_in_ECS_order_so_the_reason_is_the_first_unmet_requirement()
    {
        // Too little CPU and too little memory: CPU is checked first.
        var plan = Place(Request(cpu: 512, memory: 8192), Instance("a", cpu: 256, memory: 256));
        Assert.Equal(PlacementFailureReasons.Cpu, Assert.Single(plan.Failures).Reason);
    }

    [Fact]
    public void A_missing_required_attribute_is_named_in_the_detail()
    {
        var plan = Place(Request(required: ["ecs.os-type", "ecs.capability.efs"]), Instance("a"));
        var failure = Assert.Single(plan.Failures);
        Assert.Equal(PlacementFailureReasons.Attribute, failure.Reason);
        Assert.Contains("is missing the attribute ecs.capability.efs", failure.Detail);
    }

    [Fact]
    public void Required_attributes_only_need_to_be_present()
    {
        var plan = Place(Request(required: ["ecs.capability.task-eni"]),
            Instance("a", attributes: new Dictionary<string, string?> { ["ecs.capability.task-eni"] = null }));
        Assert.Single(plan.Placements);
    }

    [Fact]
    public void A_disconnected_agent_gets_nothing_even_with_room()
    {
        var plan = Place(Request(strategies: ByArn), Instance("a", agent: false, cpu: 100_000), Instance("b"));
        Assert.Equal(["b"], Ids(plan));
    }

    [Fact]
    public void Later_copies_see_the_resources_earlier_copies_used()
    {
        // Room for two copies on a, one on b.
        var plan = Place(Request(count: 4, cpu: 512, strategies: ByArn), Instance("a", cpu: 1024), Instance("b", cpu: 512));
        Assert.Equal(["b", "a", "a"], Ids(plan));
        var failure = Assert.Single(plan.Failures);
        Assert.Equal(PlacementFailureReasons.Cpu, failure.Reason);
    }

    [Fact]
    public void Every_copy_that_cannot_be_placed_gets_its_own_failure()
    {
        var plan = Place(Request(count: 5, memory: 1024), Instance("a", memory: 2048));
        Assert.Equal(2, plan.Placements.Count);
        Assert.Equal(3, plan.Failures.Count);
        Assert.All(plan.Failures, f => Assert.Equal((Arn("a"), PlacementFailureReasons.Memory), (f.Arn, f.Reason)));
    }

    [Fact]
    public void No_copies_asked_means_an_empty_plan()
    {
        var plan = Place(Request(count: 0), Instance("a"));
        Assert.Empty(plan.Placements);
        Assert.Empty(plan.Failures);
    }
}
