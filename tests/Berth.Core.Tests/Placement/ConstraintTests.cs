using Berth.Core.Placement;
using static Berth.Core.Tests.Placement.PlacementFixtures;

namespace Berth.Core.Tests.Placement;

public sealed class ConstraintTests
{
    private static readonly Berth.Core.Ecs.PlacementStrategy[] Packed = [Binpack("memory")];

    [Fact]
    public void DistinctInstance_puts_each_copy_of_the_plan_on_its_own_instance()
    {
        var plan = Place(Request(count: 4, constraints: [DistinctInstance()], strategies: Packed), Instance("a"), Instance("b"), Instance("c"));
        Assert.Equal(["a", "b", "c"], Ids(plan));
        var failure = Assert.Single(plan.Failures);
        Assert.Equal(PlacementFailureReasons.DistinctInstance, failure.Reason);
    }

    [Fact]
    public void DistinctInstance_avoids_instances_already_running_the_group()
    {
        var plan = Place(Request(group: "service:web", constraints: [DistinctInstance()], strategies: Packed),
            Instance("a", tasks: PlacedTasks("service:web", 1)), Instance("b", tasks: PlacedTasks("service:api", 3)));
        Assert.Equal(["b"], Ids(plan));
    }

    [Theory]
    // Every operator, through placement: which of the three instances a memberOf expression admits.
    [InlineData("attribute:ecs.instance-type == m5.large", "b")]
    [InlineData("attribute:ecs.instance-type equals m5.*", "b,c")]
    [InlineData("attribute:ecs.instance-type != m5.large", "a,c")]
    [InlineData("attribute:ecs.instance-type not_equals t3.large", "b,c")]
    [InlineData("attribute:cores > 4", "b,c")]
    [InlineData("attribute:cores >= 8", "b,c")]
    [InlineData("attribute:cores < 16", "a,b")]
    [InlineData("attribute:cores <= 4", "a")]
    [InlineData("attribute:gpu exists", "c")]
    [InlineData("attribute:gpu !exists", "a,b")]
    [InlineData("attribute:ecs.availability-zone in [us-east-1a, us-east-1c]", "a,c")]
    [InlineData("attribute:ecs.availability-zone not_in [us-east-1a]", "b,c")]
    [InlineData("attribute:ecs.availability-zone not in [us-east-1a, us-east-1b]", "c")]
    [InlineData("attribute:ecs.instance-type =~ m5\\..*", "b,c")]
    [InlineData("attribute:ecs.instance-type !~ .*large", "c")]
    [InlineData("ec2InstanceId in [i-a, i-c]", "a,c")]
    [InlineData("agentVersion >= 1.70.0", "b,c")]
    [InlineData("registeredAt < 2024-01-01", "a")]
    [InlineData("runningTasksCount == 0", "b,c")]
    [InlineData("attribute:cores > 4 and attribute:gpu !exists", "b")]
    [InlineData("attribute:cores <= 4 or attribute:gpu exists", "a,c")]
    [InlineData("not(attribute:ecs.availability-zone == us-east-1b)", "a,c")]
    public void MemberOf_admits_only_instances_matching_the_expression(string expression, string admitted)
    {
        var plan = Place(Request(count: 3, constraints: [MemberOf(expression), DistinctInstance()], strategies: Packed), Instances());
        Assert.Equal(admitted, string.Join(",", Ids(plan).Order()));
    }

    [Fact]
    public void Several_memberOf_constraints_must_all_hold()
    {
        var plan = Place(Request(count: 3, constraints: [MemberOf("attribute:cores > 4"), MemberOf("attribute:gpu !exists")], strategies: Packed), Instances());
        Assert.Equal(["b", "b", "b"], Ids(plan));
    }

    [Fact]
    public void Task_group_affinity_places_next_to_the_group()
    {
        var plan = Place(Request(group: "service:web", constraints: [MemberOf("task:group == service:cache")], strategies: Packed),
            Instance("a", tasks: PlacedTasks("service:db", 1)), Instance("b", tasks: PlacedTasks("service:cache", 1)));
        Assert.Equal(["b"], Ids(plan));
    }

    [Fact]
    public void Task_group_anti_affinity_with_its_own_group_sees_the_copies_of_this_plan()
    {
        // Like distinctInstance, but written as an expression: the first copy makes its instance ineligible.
        var plan = Place(Request(count: 3, group: "service:web", constraints: [MemberOf("not(task:group == service:web)")], strategies: Packed),
            Instance("a"), Instance("b"));
        Assert.Equal(["a", "b"], Ids(plan));
        Assert.Equal(PlacementFailureReasons.MemberOf, Assert.Single(plan.Failures).Reason);
    }

    [Fact]
    public void Running_task_count_in_an_expression_counts_the_copies_of_this_plan()
    {
        var plan = Place(Request(count: 5, constraints: [MemberOf("runningTasksCount < 2")], strategies: Packed), Instance("a"), Instance("b"));
        Assert.Equal(["a", "a", "b", "b"], Ids(plan));
        Assert.Equal(PlacementFailureReasons.MemberOf, Assert.Single(plan.Failures).Reason);
    }

    [Fact]
    public void An_instance_that_passed_the_resource_filters_is_closer_than_one_that_did_not()
    {
        // a lacks the memory; b and c have it but fail the expression, so the failure names b (lowest ARN).
        var plan = Place(Request(memory: 8192, constraints: [MemberOf("attribute:gpu exists and attribute:cores < 8")]), Instances());
        var failure = Assert.Single(plan.Failures);
        Assert.Equal((Arn("b"), PlacementFailureReasons.MemberOf), (failure.Arn, failure.Reason));
    }

    private static InstanceCandidate[] Instances() =>
    [
        Instance("a", az: "us-east-1a", agentVersion: "1.60.0", registeredAt: new DateTimeOffset(2023, 5, 1, 0, 0, 0, TimeSpan.Zero),
            tasks: PlacedTasks("service:other", 1),
            attributes: new Dictionary<string, string?> { ["cores"] = "4" }),
        Instance("b", az: "us-east-1b", memory: 16384,
            attributes: new Dictionary<string, string?> { ["cores"] = "8", ["ecs.instance-type"] = "m5.large" }),
        Instance("c", az: "us-east-1c", memory: 16384,
            attributes: new Dictionary<string, string?> { ["cores"] = "16", ["ecs.instance-type"] = "m5.metal", ["gpu"] = null }),
    ];
}
