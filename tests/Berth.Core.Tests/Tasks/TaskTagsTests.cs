using Berth.Core.Ecs;
using Berth.Core.Tasks;

namespace Berth.Core.Tests.Tasks;

public class TaskTagsTests
{
    private static readonly TaskTags.Sources Sources = new(
        [new Tag { Key = "from", Value = "definition" }], [new Tag { Key = "from", Value = "service" }, new Tag { Key = "team", Value = "a" }], "default", "web");

    private static IEnumerable<string> Render(IReadOnlyList<Tag> tags) => tags.Select(t => $"{t.Key}={t.Value}");

    [Theory]
    [InlineData("NONE", new[] { "own=1" })]
    [InlineData("TASK_DEFINITION", new[] { "own=1", "from=definition" })]
    [InlineData("SERVICE", new[] { "own=1", "from=service", "team=a" })]
    public void Propagated_tags_follow_the_caller_s_own(string propagate, string[] expected)
    {
        Assert.Equal(expected, Render(TaskTags.For([new Tag { Key = "own", Value = "1" }], propagate, managed: false, Sources)));
    }

    [Fact]
    public void The_caller_s_tag_wins_over_a_propagated_one_with_the_same_key()
    {
        Assert.Equal(["from=me", "team=a"], Render(TaskTags.For([new Tag { Key = "from", Value = "me" }], "SERVICE", managed: false, Sources)));
    }

    [Fact]
    public void Managed_tags_name_the_cluster_and_the_service()
    {
        Assert.Equal(["aws:ecs:clusterName=default", "aws:ecs:serviceName=web"], Render(TaskTags.For(null, null, managed: true, Sources)));
    }
}
