using Berth.Agent.Docker;

namespace Berth.Agent.Tests.Docker;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("busybox", "busybox", null, "docker.io/library/busybox:latest")]
    [InlineData("berth/sample-web:latest", "berth/sample-web", "latest", "docker.io/berth/sample-web:latest")]
    [InlineData("localhost:5000/app:1.2", "localhost:5000/app", "1.2", "localhost:5000/app:1.2")]
    [InlineData("123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1", "123456789012.dkr.ecr.us-east-1.amazonaws.com/web", "v1", "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1")]
    [InlineData("nginx@sha256:abc", "nginx", null, "docker.io/library/nginx@sha256:abc")]
    public void References_are_split_and_canonicalised_as_the_engine_does(string image, string repository, string? tag, string canonical)
    {
        var reference = ImageReference.Parse(image);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(canonical, reference.Canonical);
    }

    [Fact]
    public void Pull_tag_is_never_empty() => Assert.Equal("latest", ImageReference.Parse("busybox").PullTag);
}
