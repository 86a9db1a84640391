using System.CommandLine;
using Berth.Agent;

namespace Berth.Cli.Tests;

/// <summary><c>berth agent</c>'s server, region and access key, parsed as the command line gives them.</summary>
public sealed class AgentJoinFlagsTests
{
    private static AgentOptions Read(params string[] args)
    {
        var join = new AgentJoinFlags();
        var command = new RootCommand();
        join.AddTo(command);
        var result = command.Parse(args);
        Assert.Empty(result.Errors);
        return join.Apply(result, new AgentOptions { ServerUrl = join.ServerUrl(result) });
    }

    [Fact]
    public void An_access_key_and_region_from_the_flags_become_the_agents_signing_identity()
    {
        var options = Read("--server", "http://10.0.0.5:4566", "--region", "eu-west-3", "--access-key-id", "AKIDAGENT", "--secret-access-key", "s3cret");

        Assert.Equal(new Uri("http://10.0.0.5:4566"), options.ServerUrl);
        Assert.Equal("eu-west-3", options.Region);
        Assert.Equal(("AKIDAGENT", "s3cret"), (options.Credentials?.AccessKeyId, options.Credentials?.SecretAccessKey));
    }

    [Fact]
    public void A_key_id_without_its_secret_is_refused_naming_both_flags()
    {
        var refusal = Assert.Throws<ArgumentException>(() => Read("--access-key-id", "AKIDAGENT", "--secret-access-key", ""));

        Assert.StartsWith("--access-key-id and --secret-access-key", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_CA_file_verifies_an_https_server_and_is_refused_for_plain_http()
    {
        Assert.Equal("/etc/berth/ca.pem", Read("--server", "https://berth.internal:4566", "--ca-cert", "/etc/berth/ca.pem").CaCertificatePath);
        Assert.StartsWith("CaCertificatePath verifies an https:// ServerUrl",
            Assert.Throws<ArgumentException>(() => Read("--server", "http://berth.internal:4566", "--ca-cert", "/etc/berth/ca.pem")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_servers_sharing_a_store_are_tried_in_the_order_given()
    {
        var options = Read("--server", "http://10.0.0.5:4566, http://10.0.0.6:4566,http://10.0.0.7:4566");

        Assert.Equal(new Uri("http://10.0.0.5:4566"), options.ServerUrl);
        Assert.Equal([new Uri("http://10.0.0.5:4566"), new Uri("http://10.0.0.6:4566"), new Uri("http://10.0.0.7:4566")], options.ServerUrls);
    }

    [Fact]
    public void A_server_that_is_not_a_URL_is_refused_naming_the_flag()
    {
        Assert.StartsWith("--server must be absolute URLs", Assert.Throws<ArgumentException>(() => Read("--server", "127.0.0.1:4566")).Message,
            StringComparison.Ordinal);
    }
}
