using Berth.Core.Errors;
using Berth.Core.SecretsManager;
using Berth.Core.Ssm;

namespace Berth.Core.Tests.Secrets;

public class ReferenceTests
{
    [Theory]
    [InlineData("/app/db", "/app/db", null, null, null)]
    [InlineData("/app/db:3", "/app/db", null, 3L, null)]
    [InlineData("/app/db:prod", "/app/db", null, null, "prod")]
    [InlineData("plain", "plain", null, null, null)]
    [InlineData("arn:aws:ssm:eu-west-1:123456789012:parameter/app/db:2", "/app/db", null, 2L, null)]
    [InlineData("arn:aws:ssm:eu-west-1:123456789012:parameter/top", "top", "/top", null, null)]
    public void Parameter_references_name_a_parameter_and_a_selector(string given, string name, string? alternative, long? version, string? label)
    {
        var reference = ParameterReference.Parse(given);
        Assert.Equal(alternative is null ? [name] : [name, alternative], reference.Names);
        Assert.Equal((version, label), (reference.Version, reference.Label));
    }

    [Theory]
    [InlineData("arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf", "arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf", null, null, null)]
    [InlineData("arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf:user::", "arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf", "user", null, null)]
    [InlineData("arn:aws:secretsmanager:us-east-1:1:secret:db:user:AWSPREVIOUS:", "arn:aws:secretsmanager:us-east-1:1:secret:db", "user", "AWSPREVIOUS", null)]
    [InlineData("arn:aws:secretsmanager:us-east-1:1:secret:db:::v1", "arn:aws:secretsmanager:us-east-1:1:secret:db", null, null, "v1")]
    public void Secret_references_take_ECS_json_key_stage_and_version_fields(string valueFrom, string secretId, string? key, string? stage, string? version)
    {
        Assert.True(SecretReference.IsSecret(valueFrom));
        Assert.Equal(new SecretReference(secretId, key, stage, version), SecretReference.Parse(valueFrom));
    }

    [Theory]
    [InlineData("/app/db")]
    [InlineData("arn:aws:ssm:us-east-1:1:parameter/app/db")]
    public void Anything_but_a_secret_ARN_names_a_parameter(string valueFrom) => Assert.False(SecretReference.IsSecret(valueFrom));

    [Fact]
    public void A_secret_ARN_with_too_many_fields_is_no_reference() =>
        Assert.Null(SecretReference.Parse("arn:aws:secretsmanager:us-east-1:1:secret:db:a:b:c:d"));

    [Theory]
    [InlineData("db", new[] { "db" })]
    [InlineData("arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf", new[] { "db", "db-AbCdEf" })]
    [InlineData("arn:aws:secretsmanager:us-east-1:1:secret:db", new[] { "db" })]
    public void A_secret_id_names_a_secret_by_name_or_full_or_partial_ARN(string secretId, string[] names) =>
        Assert.Equal(names, SecretRules.CandidateNames(secretId));

    [Theory]
    [InlineData("/a/b", true)]
    [InlineData("/a/b/c", false)]
    [InlineData("/ab", false)]
    public void One_level_paths_hold_direct_children_only(string name, bool expected)
    {
        Assert.Equal(expected, ParameterRules.InPath(name, "/a", recursive: false));
        Assert.True(ParameterRules.InPath("/a/b/c", "/a/", recursive: true));
    }

    [Theory]
    [InlineData("Standard", null, 10, "Standard")]
    [InlineData(null, "Advanced", 10, "Advanced")]
    [InlineData("Intelligent-Tiering", null, 10, "Standard")]
    [InlineData("Intelligent-Tiering", null, 5000, "Advanced")]
    [InlineData("Intelligent-Tiering", "Advanced", 10, "Advanced")]
    public void Tiers_follow_the_value_and_never_go_down(string? requested, string? current, int length, string expected) =>
        Assert.Equal(expected, ParameterRules.Tier(requested, current, new string('x', length)));

    [Fact]
    public void A_pattern_that_cannot_be_checked_refuses_the_value()
    {
        Assert.Throws<InvalidAllowedPatternException>(() => ParameterRules.CheckPattern("(", "x"));
        ParameterRules.CheckPattern("^[a-z]+$", "abc");
        Assert.Throws<ParameterPatternMismatchException>(() => ParameterRules.CheckPattern("[a-z]+", "abc1"));
    }
}
