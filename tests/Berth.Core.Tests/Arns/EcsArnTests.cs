using Berth.Core.Arns;

namespace Berth.Core.Tests.Arns;

public class EcsArnTests
{
    [Fact]
    public void Parses_a_cluster_arn_into_its_parts()
    {
        Assert.True(EcsArn.TryParse("arn:aws:ecs:eu-west-1:123456789012:cluster/web", out var arn));

        Assert.Equal(new EcsArn("aws", "eu-west-1", "123456789012", "cluster", "web"), arn);
        Assert.Equal(new ResourceScope("eu-west-1", "123456789012"), arn.Scope);
    }

    [Fact]
    public void Keeps_slashes_of_the_resource_id()
    {
        Assert.True(EcsArn.TryParse("arn:aws:ecs:us-east-1:000000000000:task/prod/0123456789abcdef", out var arn));

        Assert.Equal("task", arn.ResourceType);
        Assert.Equal("prod/0123456789abcdef", arn.ResourceId);
    }

    [Fact]
    public void Keeps_colons_of_the_resource_id()
    {
        Assert.True(EcsArn.TryParse("arn:aws:ecs:us-east-1:000000000000:task-definition/web:12", out var arn));

        Assert.Equal("task-definition", arn.ResourceType);
        Assert.Equal("web:12", arn.ResourceId);
    }

    [Theory]
    [InlineData("arn:aws:ecs:us-east-1:000000000000:cluster/web")]
    [InlineData("arn:aws-cn:ecs:cn-north-1:000000000000:task/c/abc")]
    [InlineData("arn:aws:ecs:us-east-1:000000000000:task-definition/web:3")]
    [InlineData("arn:aws:ecs:us-east-1:000000000000:container-instance/c/1/2:3")]
    public void Prints_back_the_arn_it_parsed(string text)
    {
        Assert.True(EcsArn.TryParse(text, out var arn));
        Assert.Equal(text, arn.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("web")]
    [InlineData("cluster/web")]
    [InlineData("ARN:aws:ecs:us-east-1:000000000000:cluster/web")]
    [InlineData("arn:aws:s3:us-east-1:000000000000:bucket/web")]
    [InlineData("arn::ecs:us-east-1:000000000000:cluster/web")]
    [InlineData("arn:aws:ecs::000000000000:cluster/web")]
    [InlineData("arn:aws:ecs:us-east-1::cluster/web")]
    [InlineData("arn:aws:ecs:us-east-1:000000000000:cluster")]
    [InlineData("arn:aws:ecs:us-east-1:000000000000:cluster/")]
    [InlineData("arn:aws:ecs:us-east-1:000000000000:/web")]
    [InlineData("arn:aws:ecs:us-east-1:000000000000")]
    public void Rejects_text_that_is_not_an_ecs_arn(string? text)
    {
        Assert.False(EcsArn.TryParse(text, out _));
    }
}
