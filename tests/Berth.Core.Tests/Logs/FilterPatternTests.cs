using Berth.Core.Errors;
using Berth.Core.Logs;

namespace Berth.Core.Tests.Logs;

public class FilterPatternTests
{
    [Theory]
    [InlineData(null, "anything", true)]
    [InlineData("  ", "anything", true)]
    [InlineData("ERROR", "2024 ERROR disk full", true)]
    [InlineData("ERROR", "2024 error disk full", false)] // case-sensitive
    [InlineData("ERROR", "ERRORS everywhere", true)]     // a term matches inside words, as CloudWatch does
    [InlineData("ERROR disk", "ERROR disk full", true)]
    [InlineData("ERROR disk", "ERROR memory", false)]
    [InlineData("\"disk full\"", "ERROR disk full", true)]
    [InlineData("\"disk full\"", "full disk", false)]
    [InlineData("?ERROR ?WARN", "WARN low memory", true)]
    [InlineData("?ERROR ?WARN", "INFO ok", false)]
    [InlineData("ERROR -healthcheck", "ERROR in request", true)]
    [InlineData("ERROR -healthcheck", "ERROR in healthcheck", false)]
    [InlineData("-\"GET /health\"", "GET /health 200", false)]
    [InlineData("-\"GET /health\"", "GET /orders 200", true)]
    [InlineData("\"say \\\"hi\\\"\"", "they say \"hi\" here", true)]
    [InlineData("ERROR ?disk ?memory -retry", "ERROR memory", true)]
    [InlineData("ERROR ?disk ?memory -retry", "ERROR memory retry", false)]
    [InlineData("ERROR ?disk ?memory -retry", "ERROR cpu", false)]
    [InlineData("a-b", "x a-b y", true)]
    public void Matches_terms_phrases_alternatives_and_exclusions(string? pattern, string message, bool expected)
    {
        Assert.Equal(expected, FilterPattern.Parse(pattern).Matches(message));
    }

    [Theory]
    [InlineData("{ $.level = \"ERROR\" }", "JSON")]
    [InlineData("[ip, user, status=404]", "space-delimited")]
    [InlineData("%ERR[0-9]+%", "regular-expression")]
    public void Structured_patterns_are_refused_by_name(string pattern, string kind)
    {
        var e = Assert.Throws<InvalidParameterException>(() => FilterPattern.Parse(pattern));
        Assert.Contains(kind, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unterminated_phrase_is_an_error()
    {
        Assert.Throws<InvalidParameterException>(() => FilterPattern.Parse("\"disk full"));
    }

    [Fact]
    public void Blank_patterns_match_everything()
    {
        Assert.True(FilterPattern.Parse(null).MatchesEverything);
        Assert.False(FilterPattern.Parse("x").MatchesEverything);
    }
}
