using System.CommandLine;
using Berth.Agent;

namespace Berth.Cli;

/// <summary>
/// How <c>berth agent</c> reaches a server elsewhere: its address (an https:// one verified against the system's roots
/// or <c>--ca-cert</c>), the region it serves, and how it joins: a join token (<c>--join-token</c>, BERTH_JOIN_TOKEN) or
/// an access key allowed to register instances, read as the AWS CLI reads them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
/// AWS_SESSION_TOKEN). <c>berth agent token …</c> signs with the same flags. <c>berth up</c>'s agents take none of these:
/// they share the process with the server, which gives them its address, region and key to join with.
/// </summary>
internal sealed class AgentJoinFlags
{
    private static readonly AgentOptions Defaults = new();

    private readonly Option<string> _server = EnvOption.Create("--server",
        "The Berth server to join; several, comma-separated, when servers share one store: the agent moves on to the next when one does not answer",
        "BERTH_SERVER", "http://127.0.0.1:4566");
    private readonly Option<string?> _caCert = EnvOption.Create<string?>("--ca-cert",
        "PEM file of the certificates an https:// --server must chain to (default: the system's roots)", "BERTH_CA_CERT", null);
    private readonly Option<string> _region = EnvOption.Create("--region", "Region to sign requests for: the server's --region", "BERTH_REGION", Defaults.Region);
    private readonly Option<string?> _accessKeyId = EnvOption.Create<string?>("--access-key-id", "Access key id to sign requests with", "AWS_ACCESS_KEY_ID", null);

    // On the command line a secret is visible to every user of the machine (ps); the variable is the way to pass it.
    private readonly Option<string?> _secretAccessKey = EnvOption.Create<string?>("--secret-access-key",
        "Secret access key (prefer the variable: a flag shows in ps)", "AWS_SECRET_ACCESS_KEY", null);

    // Like the secret, a token on the command line shows in ps.
    private readonly Option<string?> _joinToken = EnvOption.Create<string?>("--join-token",
        "Join token from 'berth agent token create' (prefer the variable: a flag shows in ps)", "BERTH_JOIN_TOKEN", null);

    public void AddTo(Command command, bool withJoinToken = true)
    {
        if (withJoinToken)
        {
            command.Options.Add(_joinToken);
        }
        command.Options.Add(_server);
        command.Options.Add(_caCert);
        command.Options.Add(_region);
        command.Options.Add(_accessKeyId);
        command.Options.Add(_secretAccessKey);
    }

    /// <summary>The first server given: the one the agent tries first, and the one <c>berth agent token …</c> calls.</summary>
    public Uri ServerUrl(ParseResult result) => ServerUrls(result)[0];

    /// <summary>Every server given, in order.</summary>
    public IReadOnlyList<Uri> ServerUrls(ParseResult result) =>
        [.. result.GetValue(_server)!.Split(',', StringSplitOptions.TrimEntries).Select(server => Uri.TryCreate(server, UriKind.Absolute, out var url)
            ? url
            : throw new ArgumentException($"--server must be absolute URLs, comma-separated; got '{server}'."))];

    /// <summary><paramref name="options"/> with the region, the CA file, the join token and, when an access key is given, the credentials.</summary>
    public AgentOptions Apply(ParseResult result, AgentOptions options)
    {
        var applied = options with
        {
            Region = Region(result),
            CaCertificatePath = CaCertificatePath(result),
            OtherServerUrls = [.. ServerUrls(result).Skip(1)],
            Credentials = Credentials(result),
            JoinToken = result.GetValue(_joinToken) is { Length: > 0 } token ? new AgentJoinToken(token) : null,
        };
        applied.Validate();
        return applied;
    }

    public string Region(ParseResult result) => result.GetValue(_region)!;

    public string? CaCertificatePath(ParseResult result) => result.GetValue(_caCert) is { Length: > 0 } caCert ? Path.GetFullPath(caCert) : null;

    /// <summary>The access key given, or null.</summary>
    public AgentCredentials? Credentials(ParseResult result)
    {
        var (keyId, secret) = (result.GetValue(_accessKeyId), result.GetValue(_secretAccessKey));
        if (string.IsNullOrEmpty(keyId) != string.IsNullOrEmpty(secret))
        {
            throw new ArgumentException("--access-key-id and --secret-access-key (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) go together; give both or neither.");
        }
        var token = Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN") is { Length: > 0 } t ? t : null;
        return string.IsNullOrEmpty(keyId) ? null : new AgentCredentials(keyId, secret!, token);
    }
}
