using Berth.Core.Elb;

namespace Berth.Core.Tests.Elb;

public class PathPatternTests
{
    [Theory]
    [InlineData("/api/*", "/api/users", true)]
    [InlineData("/api/*", "/api/", true)]
    [InlineData("/api/*", "/api", false)]
    [InlineData("/img/*.png", "/img/a/b.png", true)]
    [InlineData("/img/*.png", "/img/a.jpg", false)]
    [InlineData("/v?/items", "/v1/items", true)]
    [InlineData("/v?/items", "/v10/items", false)]
    [InlineData("*", "", true)]
    [InlineData("*", "/*literal", true)]
    [InlineData("/a*b*c", "/axxbyyc", true)]
    [InlineData("/a*b*c", "/axxbyy", false)]
    [InlineData("/API/*", "/api/x", false)]
    public void Path_patterns_match_with_star_and_question_mark_case_sensitively(string pattern, string path, bool expected)
    {
        Assert.Equal(expected, PathPattern.Matches(pattern, path));
    }

    [Fact]
    public void Host_patterns_ignore_case()
    {
        Assert.True(PathPattern.Matches("*.Example.com", "api.example.COM", ignoreCase: true));
    }
}
