using Berth.Core.Cost;
using Berth.Core.Ecs;

namespace Berth.Core.Tests.Cost;

public class UsageMeterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly FargatePriceTable Prices = FargatePriceTable.BuiltIn;

    private static EcsTask Task(string launchType = "FARGATE", string? provider = null, string? cpu = "1024", string? memory = "2048",
        DateTimeOffset? started = null, DateTimeOffset? stopped = null, IReadOnlyList<Container>? containers = null) => new()
        {
            TaskArn = "arn:aws:ecs:us-east-1:000000000000:task/demo/abc",
            ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/demo",
            Group = "service:web",
            LaunchType = launchType,
            CapacityProviderName = provider,
            Cpu = cpu,
            Memory = memory,
            StartedAt = started ?? T0,
            StoppedAt = stopped,
            LastStatus = stopped is null ? "RUNNING" : "STOPPED",
            Containers = containers,
            Tags = [new Tag { Key = "team", Value = "blue" }],
        };

    private static TaskUsage Usage(EcsTask task) => TaskUsage.Of(task) ?? throw new InvalidOperationException("no usage");

    [Fact]
    public void A_task_reads_its_size_service_capacity_and_tags()
    {
        var usage = Usage(Task(provider: "FARGATE_SPOT", cpu: "512", memory: "1024"));
        Assert.Equal((0.5, 1.0), (usage.Vcpu, usage.MemoryGb));
        Assert.Equal(("web", "FARGATE_SPOT", "demo", "us-east-1", "000000000000"), (usage.ServiceName, usage.Capacity, usage.ClusterName, usage.Region, usage.AccountId));
        Assert.Equal("team", Assert.Single(usage.Tags).Key);
        Assert.Null(usage.StoppedAt);
    }

    [Fact]
    public void An_ec2_task_without_a_task_size_counts_its_containers_reservations()
    {
        var usage = Usage(Task("EC2", cpu: null, memory: null, containers:
        [
            new Container { Cpu = "256", Memory = "512" },
            new Container { Cpu = "0", MemoryReservation = "256" },
        ]));
        Assert.Equal((UsageCapacity.Ec2, 0.25, 0.75), (usage.Capacity, usage.Vcpu, usage.MemoryGb));
    }

    [Fact]
    public void A_task_that_never_started_uses_nothing() =>
        Assert.Null(TaskUsage.Of(Task() with { StartedAt = null, PullStartedAt = null }));

    [Fact]
    public void Billing_starts_with_the_image_pull() =>
        Assert.Equal(T0.AddSeconds(-20), Usage(Task() with { PullStartedAt = T0.AddSeconds(-20) }).StartedAt);

    [Theory]
    [InlineData(10, 60)]     // the one-minute minimum
    [InlineData(60, 60)]
    [InlineData(90.2, 91)]   // per second, rounded up
    [InlineData(3600, 3600)]
    public void A_stopped_task_is_billed_per_second_with_a_one_minute_minimum(double ranSeconds, double billed)
    {
        var usage = Usage(Task(stopped: T0.AddSeconds(ranSeconds)));
        Assert.Equal(billed, UsageMeter.SecondsWithin(usage, T0.AddDays(1), T0.AddDays(-1), T0.AddDays(1)));
    }

    [Fact]
    public void A_running_task_is_billed_up_to_now_and_its_minimum_at_once()
    {
        var usage = Usage(Task());
        Assert.Equal(60, UsageMeter.SecondsWithin(usage, T0.AddSeconds(5), T0, T0.AddDays(1)));
        Assert.Equal(300, UsageMeter.SecondsWithin(usage, T0.AddMinutes(5), T0, T0.AddDays(1)));
    }

    [Fact]
    public void Only_the_part_inside_the_period_counts()
    {
        var usage = Usage(Task(started: T0.AddHours(-1), stopped: T0.AddHours(2)));
        Assert.Equal(3600, UsageMeter.SecondsWithin(usage, T0.AddDays(1), T0, T0.AddHours(1)));
        Assert.Equal(0, UsageMeter.SecondsWithin(usage, T0.AddDays(1), T0.AddHours(3), T0.AddHours(4)));
    }

    [Fact]
    public void An_hour_of_one_vcpu_and_two_gb_on_demand_costs_the_list_price()
    {
        var charge = UsageMeter.Charge(Usage(Task(stopped: T0.AddHours(1))), Prices, T0.AddDays(1), T0, T0.AddDays(1));
        Assert.Equal((3600.0, 7200.0), (charge.VcpuSeconds, charge.GbSeconds));
        Assert.Equal(0.04048m + 2 * 0.004445m, charge.Cost);
        Assert.Equal(charge.Cost, charge.OnDemandCost);
        Assert.Equal(0m, charge.SpotSavings(UsageCapacity.Fargate));
    }

    [Fact]
    public void Spot_costs_the_spot_price_and_saves_the_difference()
    {
        var usage = Usage(Task(provider: "FARGATE_SPOT", stopped: T0.AddHours(1)));
        var charge = UsageMeter.Charge(usage, Prices, T0.AddDays(1), T0, T0.AddDays(1));
        Assert.Equal(0.012144m + 2 * 0.0013335m, charge.Cost);
        Assert.Equal(0.04048m + 2 * 0.004445m - charge.Cost, charge.SpotSavings(usage.Capacity));
    }

    [Fact]
    public void An_ec2_task_costs_nothing_on_fargate_bills_but_shows_what_fargate_would_cost()
    {
        var charge = UsageMeter.Charge(Usage(Task("EC2", stopped: T0.AddHours(1))), Prices, T0.AddDays(1), T0, T0.AddDays(1));
        Assert.Equal(0m, charge.Cost);
        Assert.Equal(0.04048m + 2 * 0.004445m, charge.OnDemandCost);
    }

    [Fact]
    public void A_region_the_table_does_not_list_is_priced_as_its_default_region() =>
        Assert.Equal(Prices.Regions["us-east-1"], Prices.For("xx-nowhere-1"));

    [Fact]
    public void The_built_in_table_names_its_source()
    {
        Assert.Equal("https://aws.amazon.com/fargate/pricing/", Prices.Source);
        Assert.True(Prices.Regions["us-east-1"].OnDemand.Verified);
        Assert.False(Prices.Regions["us-east-1"].Spot.Verified);
    }

    [Fact]
    public void A_price_file_without_its_default_region_is_refused()
    {
        using var json = new MemoryStream("""{"source":"s","retrieved":"d","defaultRegion":"us-east-1","regions":{}}"""u8.ToArray());
        Assert.Contains("defaultRegion", Assert.Throws<InvalidDataException>(() => FargatePriceTable.Load(json)).Message, StringComparison.Ordinal);
    }
}
