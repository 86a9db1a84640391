using Berth.Core.Arns;
using Berth.Core.Errors;
using Berth.Core.Logs;

namespace Berth.Core.Tests.Logs;

public class LogNamesTests
{
    [Theory]
    [InlineData("/ecs/web")]
    [InlineData("a.b-c_d#e")]
    public void Group_names_of_the_allowed_alphabet_pass(string name) => Assert.Equal(name, LogNames.Group(name));

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("colon:name")]
    public void Other_group_names_are_invalid(string name) => Assert.Throws<InvalidParameterException>(() => LogNames.Group(name));

    [Theory]
    [InlineData("a:b")]
    [InlineData("a*b")]
    [InlineData("")]
    public void Stream_names_refuse_colon_and_star(string name) => Assert.Throws<InvalidParameterException>(() => LogNames.Stream(name));

    [Theory]
    [InlineData("/ecs/web", null, "/ecs/web")]
    [InlineData(null, "/ecs/web", "/ecs/web")]
    [InlineData(null, "arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web", "/ecs/web")]
    [InlineData(null, "arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web:*", "/ecs/web")]
    public void A_group_is_named_by_name_or_identifier(string? name, string? identifier, string expected) =>
        Assert.Equal(expected, LogNames.GroupOf(name, identifier));

    [Fact]
    public void Name_and_identifier_together_are_refused() =>
        Assert.Throws<InvalidParameterException>(() => LogNames.GroupOf("a", "a"));

    [Fact]
    public void Arns_follow_the_logs_format() =>
        Assert.Equal("arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web:log-stream:web/web/abc",
            LogNames.StreamArn(new ResourceScope("eu-west-1", "123456789012"), "/ecs/web", "web/web/abc"));
}
