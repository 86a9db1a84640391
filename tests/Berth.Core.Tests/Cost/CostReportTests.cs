using Berth.Core.Cost;
using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.Tests.Cost;

public class CostReportTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static TaskUsage Usage(string id, string capacity, string? service, string team) => new()
    {
        TaskArn = $"arn:aws:ecs:us-east-1:000000000000:task/demo/{id}",
        ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/demo",
        ServiceName = service,
        Capacity = capacity,
        Vcpu = 1,
        MemoryGb = 2,
        StartedAt = T0,
        StoppedAt = T0.AddHours(1),
        Tags = [new Tag { Key = "team", Value = team }],
    };

    private static readonly TaskUsage[] Usages =
    [
        Usage("a", UsageCapacity.Fargate, "web", "blue"),
        Usage("b", UsageCapacity.FargateSpot, "web", "blue"),
        Usage("c", UsageCapacity.Ec2, null, "red"),
    ];

    private static CostReport Build(string? by) => CostReport.Build(Usages, FargatePriceTable.BuiltIn, T0.AddDays(1), T0, T0.AddDays(1), by);

    [Fact]
    public void Rows_are_per_cluster_service_and_capacity_with_spot_savings_and_the_fargate_equivalent_of_ec2()
    {
        const decimal onDemand = 0.04048m + 2 * 0.004445m;
        const decimal spot = 0.012144m + 2 * 0.0013335m;
        Assert.Equal(
        [
            new CostReportRow("demo", "-", "EC2", 1, 1, 2, 0m, 0m, onDemand),
            new CostReportRow("demo", "web", "FARGATE", 1, 1, 2, onDemand, 0m, null),
            new CostReportRow("demo", "web", "FARGATE_SPOT", 1, 1, 2, spot, onDemand - spot, null),
        ], Build(null).Rows);
    }

    [Fact]
    public void By_tag_groups_by_the_tags_value() =>
        Assert.Equal([("blue", "FARGATE"), ("blue", "FARGATE_SPOT"), ("red", "EC2")], Build("tag:team").Rows.Select(r => (r.Group, r.Capacity)));

    [Fact]
    public void Other_groupings_are_refused() =>
        Assert.Contains("tag:<key>", Assert.Throws<ValidationException>(() => Build("cluster")).Message, StringComparison.Ordinal);
}
