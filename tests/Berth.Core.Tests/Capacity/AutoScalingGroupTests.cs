using Berth.Core.Capacity;
using Berth.Core.Ecs;

namespace Berth.Core.Tests.Capacity;

public class AutoScalingGroupTests
{
    [Theory]
    [InlineData("web-group", "web-group")]
    [InlineData("arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:8f1c5d3e-1111-2222-3333-444455556666:autoScalingGroupName/web-group", "web-group")]
    [InlineData("arn:aws:iam::000000000000:role/web-group", null)]
    [InlineData("arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:8f1c5d3e:autoScalingGroupName/", null)]
    public void A_group_is_named_by_its_name_or_its_arn(string arnOrName, string? expected)
    {
        Assert.Equal(expected, AutoScalingGroup.NameOf(arnOrName));
    }

    [Fact]
    public void An_instance_is_in_the_group_its_attribute_names()
    {
        EcsAttribute[] attributes = [new() { Name = "ecs.os-type", Value = "linux" }, new() { Name = "berth.auto-scaling-group", Value = "web" }];

        Assert.True(AutoScalingGroup.IsMember(attributes, "web"));
        Assert.False(AutoScalingGroup.IsMember(attributes, "batch"));
        Assert.False(AutoScalingGroup.IsMember([], "web"));
        Assert.False(AutoScalingGroup.IsMember(attributes, null));
    }
}
