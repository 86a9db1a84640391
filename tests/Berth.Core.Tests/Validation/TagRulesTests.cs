using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Tests.Validation;

public class TagRulesTests
{
    private static Tag T(string key, string? value = "v") => new() { Key = key, Value = value };

    private static Tag[] Many(int count, string prefix = "k") => Enumerable.Range(0, count).Select(i => T($"{prefix}{i}")).ToArray();

    [Fact]
    public void Merge_overwrites_existing_keys_in_place_and_appends_new_ones()
    {
        var merged = TagRules.Merge([T("team", "a"), T("env", "dev")], [T("env", "prod"), T("owner", "me")]);

        Assert.Equal([T("team", "a"), T("env", "prod"), T("owner", "me")], merged);
    }

    [Fact]
    public void Merge_into_nothing_is_the_changes()
    {
        Assert.Equal([T("env", "prod")], TagRules.Merge(null, [T("env", "prod")]));
    }

    [Fact]
    public void Keys_are_case_sensitive()
    {
        Assert.Equal([T("Env", "a"), T("env", "b")], TagRules.Merge([T("Env", "a")], [T("env", "b")]));
    }

    [Fact]
    public void A_resource_may_have_fifty_tags()
    {
        Assert.Equal(50, TagRules.Merge(Many(49), [T("last")]).Count);
    }

    [Fact]
    public void A_resource_may_not_have_fifty_one_tags()
    {
        var error = Assert.Throws<InvalidParameterException>(() => TagRules.Merge(Many(50), [T("one-more")]));
        Assert.Equal("A resource can have at most 50 tags.", error.Message);
    }

    [Fact]
    public void Overwriting_keys_does_not_count_against_the_limit()
    {
        Assert.Equal(50, TagRules.Merge(Many(50), Many(10)).Count);
    }

    [Theory]
    [InlineData("aws:createdBy")]
    [InlineData("AWS:createdBy")]
    [InlineData("Aws:x")]
    public void The_aws_prefix_is_reserved(string key)
    {
        Assert.Throws<InvalidParameterException>(() => TagRules.Validate([T(key)]));
    }

    [Theory]
    [InlineData("aws")]
    [InlineData("awsome")]
    [InlineData("team:aws:x")]
    public void Keys_that_merely_mention_aws_are_allowed(string key)
    {
        TagRules.Validate([T(key)]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(129)]
    public void Keys_must_have_1_to_128_characters(int length)
    {
        Assert.Throws<InvalidParameterException>(() => TagRules.Validate([T(new string('k', length))]));
    }

    [Fact]
    public void A_missing_key_is_refused()
    {
        Assert.Throws<InvalidParameterException>(() => TagRules.Validate([new Tag { Value = "v" }]));
    }

    [Fact]
    public void Values_may_be_empty_absent_or_256_characters()
    {
        TagRules.Validate([T("a", ""), T("b", null), T("c", new string('v', 256)), T(new string('k', 128))]);
    }

    [Fact]
    public void Values_may_not_exceed_256_characters()
    {
        Assert.Throws<InvalidParameterException>(() => TagRules.Validate([T("a", new string('v', 257))]));
    }

    [Fact]
    public void Merge_validates_the_changes()
    {
        Assert.Throws<InvalidParameterException>(() => TagRules.Merge([T("a")], [T("aws:b")]));
    }

    [Fact]
    public void Remove_drops_the_given_keys_and_ignores_unknown_ones()
    {
        Assert.Equal([T("b")], TagRules.Remove([T("a"), T("b"), T("c")], new HashSet<string> { "a", "c", "zzz" }));
    }
}
