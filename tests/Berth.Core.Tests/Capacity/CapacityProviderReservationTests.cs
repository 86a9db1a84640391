using Berth.Core.Capacity;
using Berth.Core.Ecs;

namespace Berth.Core.Tests.Capacity;

public sealed class CapacityProviderReservationTests
{
    [Theory]
    [InlineData(4, 4, 100)]
    [InlineData(4, 1, 25)]
    [InlineData(4, 0, 0)]
    [InlineData(0, 0, 100)]
    public void The_value_is_the_share_of_instances_with_tasks(int running, int withTasks, double expected) =>
        Assert.Equal(expected, CapacityProviderReservation.Value(running, withTasks));

    [Fact]
    public void Only_usable_providers_with_managed_scaling_enabled_are_published()
    {
        var scaled = new CapacityProvider
        {
            Status = "ACTIVE",
            AutoScalingGroupProvider = new AutoScalingGroupProvider { ManagedScaling = new ManagedScaling { Status = "ENABLED" } },
        };

        Assert.True(CapacityProviderReservation.IsManaged(scaled));
        Assert.False(CapacityProviderReservation.IsManaged(scaled with { UpdateStatus = "DELETE_IN_PROGRESS" }));
        Assert.False(CapacityProviderReservation.IsManaged(scaled with { Status = "INACTIVE" }));
        Assert.False(CapacityProviderReservation.IsManaged(
            scaled with { AutoScalingGroupProvider = new AutoScalingGroupProvider { ManagedScaling = new ManagedScaling { Status = "DISABLED" } } }));
    }

    [Fact]
    public void The_point_is_named_and_dimensioned_as_ecs_publishes_it()
    {
        var minute = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

        var point = CapacityProviderReservation.Point("web", "web-asg", minute, 50);

        Assert.Equal(("AWS/ECS/ManagedScaling", "CapacityProviderReservation", "Percent"), (point.Series.Namespace, point.Series.MetricName, point.Unit));
        Assert.Equal(
            [System.Collections.Generic.KeyValuePair.Create("CapacityProviderName", "web-asg"), System.Collections.Generic.KeyValuePair.Create("ClusterName", "web")],
            point.Series.Dimensions);
        Assert.Equal((minute, 50.0), (point.Timestamp, point.Value.Sum));
    }
}
