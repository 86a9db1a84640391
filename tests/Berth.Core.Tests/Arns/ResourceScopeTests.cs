using Berth.Core.Arns;

namespace Berth.Core.Tests.Arns;

public class ResourceScopeTests
{
    [Theory]
    [InlineData("us-east-1", "aws")]
    [InlineData("eu-west-1", "aws")]
    [InlineData("ap-southeast-2", "aws")]
    [InlineData("cn-north-1", "aws-cn")]
    [InlineData("cn-northwest-1", "aws-cn")]
    [InlineData("us-gov-west-1", "aws-us-gov")]
    [InlineData("us-gov-east-1", "aws-us-gov")]
    public void Partition_follows_the_region(string region, string partition)
    {
        Assert.Equal(partition, new ResourceScope(region, "000000000000").Partition);
    }

    [Fact]
    public void Arns_start_with_partition_region_and_account()
    {
        var scope = new ResourceScope("cn-north-1", "123456789012");

        Assert.Equal("arn:aws-cn:ecs:cn-north-1:123456789012", scope.EcsArnPrefix);
        Assert.Equal("arn:aws-cn:ecs:cn-north-1:123456789012:cluster/web", scope.ClusterArn("web"));
        Assert.Equal("arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/web:7", scope.TaskDefinitionArn("web", 7));
    }

    [Fact]
    public void Root_principal_is_an_iam_arn_without_region()
    {
        Assert.Equal("arn:aws-us-gov:iam::123456789012:root", new ResourceScope("us-gov-west-1", "123456789012").RootPrincipalArn);
    }
}
