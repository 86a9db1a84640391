namespace Berth.Cli.Tests;

/// <summary>The key and region the client commands sign with, found in the environment as the AWS CLI finds them.</summary>
public sealed class ClientFlagsTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void A_key_in_the_environment_signs_with_its_session_token()
    {
        var key = ClientFlags.Credentials(Environment(("AWS_ACCESS_KEY_ID", "AKIDROOT"), ("AWS_SECRET_ACCESS_KEY", "s3cret"), ("AWS_SESSION_TOKEN", "tok")));

        Assert.Equal(("AKIDROOT", "s3cret", "tok"), (key?.AccessKeyId, key?.SecretAccessKey, key?.SessionToken));
    }

    [Fact]
    public void No_key_in_the_environment_leaves_requests_unsigned() => Assert.Null(ClientFlags.Credentials(Environment()));

    [Fact]
    public void A_key_id_without_its_secret_is_refused_naming_both_variables()
    {
        var refusal = Assert.Throws<ArgumentException>(() => ClientFlags.Credentials(Environment(("AWS_ACCESS_KEY_ID", "AKIDROOT"))));

        Assert.StartsWith("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eu-west-3", "eu-west-1", "ap-south-1", "eu-west-3")]
    [InlineData("", "eu-west-1", "ap-south-1", "eu-west-1")]
    [InlineData("", "", "ap-south-1", "ap-south-1")]
    [InlineData("", "", "", "us-east-1")]
    public void The_region_is_AWS_REGION_then_AWS_DEFAULT_REGION_then_the_servers_own(string region, string defaultRegion, string berthRegion, string expected) =>
        Assert.Equal(expected, ClientFlags.Region(Environment(("AWS_REGION", region), ("AWS_DEFAULT_REGION", defaultRegion), ("BERTH_REGION", berthRegion))));
}
