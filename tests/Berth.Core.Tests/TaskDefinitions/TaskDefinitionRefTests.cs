using Berth.Core.Arns;
using Berth.Core.TaskDefinitions;

namespace Berth.Core.Tests.TaskDefinitions;

public class TaskDefinitionRefTests
{
    private static readonly ResourceScope Scope = new("eu-west-1", "123456789012");

    [Fact]
    public void A_bare_family_has_no_revision_and_no_arn()
    {
        Assert.True(TaskDefinitionRef.TryParse(Scope, "web", out var reference));

        Assert.Equal(new TaskDefinitionRef(Scope, "web", null), reference);
        Assert.Null(reference.Arn);
    }

    [Fact]
    public void Family_and_revision_name_an_arn_in_the_request_scope()
    {
        Assert.True(TaskDefinitionRef.TryParse(Scope, "web-api:12", out var reference));

        Assert.Equal(new TaskDefinitionRef(Scope, "web-api", 12), reference);
        Assert.Equal("arn:aws:ecs:eu-west-1:123456789012:task-definition/web-api:12", reference.Arn);
    }

    [Fact]
    public void An_arn_keeps_its_own_scope()
    {
        const string arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:3";

        Assert.True(TaskDefinitionRef.TryParse(Scope, arn, out var reference));

        Assert.Equal(new TaskDefinitionRef(new ResourceScope("us-east-1", "000000000000"), "web", 3), reference);
        Assert.Equal(arn, reference.Arn);
    }

    [Fact]
    public void An_arn_without_a_revision_names_the_family()
    {
        Assert.True(TaskDefinitionRef.TryParse(Scope, "arn:aws:ecs:us-east-1:000000000000:task-definition/web", out var reference));

        Assert.Equal("web", reference.Family);
        Assert.Null(reference.Revision);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("web:")]
    [InlineData("web:0")]
    [InlineData("web:-1")]
    [InlineData("web:+1")]
    [InlineData("web:one")]
    [InlineData("web:99999999999")]
    [InlineData("web:1:2")]
    [InlineData(":1")]
    [InlineData("bad name:1")]
    [InlineData("arn:aws:ecs:us-east-1:000000000000:cluster/web")]
    [InlineData("arn:aws:ecs:us-east-1:000000000000:task-definition/web:x")]
    public void Refuses_what_does_not_name_a_task_definition(string? text)
    {
        Assert.False(TaskDefinitionRef.TryParse(Scope, text, out _));
    }
}
