using System.CommandLine;
using Berth.Agent;
using Berth.Agent.ControlPlane;

namespace Berth.Cli;

/// <summary>
/// What the client commands (<c>berth cost</c>, <c>berth cleanup</c>, <c>berth events</c>, <c>berth spot interrupt</c>)
/// share: the server's address, and a key found as the AWS CLI finds one (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
/// AWS_SESSION_TOKEN; the region from <c>--region</c>, AWS_REGION, AWS_DEFAULT_REGION). With a key every request is
/// signed for service <c>ecs</c>, which is what a server with <c>--auth sigv4</c> verifies on its <c>/_berth/</c>
/// routes; without one it goes unsigned, which a server with <c>--auth off</c> accepts.
/// </summary>
internal sealed class ClientFlags
{
    private const string DefaultRegion = "us-east-1";

    /// <summary><c>--endpoint-url</c>, as the aws CLI names it, or <c>--server</c>, as <c>berth agent</c> does.</summary>
    private readonly Option<string> _endpoint = EndpointOption();

    private readonly Option<string> _region = new("--region")
    {
        Description = $"Region to sign requests for (env AWS_REGION, AWS_DEFAULT_REGION, BERTH_REGION, default {DefaultRegion})",
        DefaultValueFactory = _ => Region(Environment.GetEnvironmentVariable),
    };

    private readonly Option<string?> _caCert = EnvOption.Create<string?>("--ca-cert",
        "PEM file of the certificates an https:// server must chain to (default: the system's roots)", "BERTH_CA_CERT", null);

    public void AddTo(Command command)
    {
        command.Options.Add(_endpoint);
        command.Options.Add(_region);
        command.Options.Add(_caCert);
    }

    /// <summary>Runs <paramref name="run"/> with a client of the server, signing when the environment holds a key (<see cref="ServerClient.RunAsync"/>).</summary>
    public Task<int> RunAsync(string command, ParseResult result, Func<HttpClient, Task<int>> run) =>
        ServerClient.RunAsync(command, result.GetValue(_endpoint)!, async url =>
        {
            using var http = SignedHttpClient.Create(url, Credentials(Environment.GetEnvironmentVariable), result.GetValue(_region)!, CaCertificate(result));
            return await run(http).ConfigureAwait(false);
        });

    /// <summary>The full path of <c>--ca-cert</c>; null when the server is verified against the system's roots.</summary>
    public string? CaCertificate(ParseResult result) => result.GetValue(_caCert) is { Length: > 0 } path ? Path.GetFullPath(path) : null;

    /// <summary>The key in <paramref name="variable"/> (the environment), or null when there is none.</summary>
    internal static AgentCredentials? Credentials(Func<string, string?> variable)
    {
        var (keyId, secret) = (variable("AWS_ACCESS_KEY_ID"), variable("AWS_SECRET_ACCESS_KEY"));
        if (string.IsNullOrEmpty(keyId) != string.IsNullOrEmpty(secret))
        {
            throw new ArgumentException("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together; set both or neither.");
        }
        return string.IsNullOrEmpty(keyId) ? null : new AgentCredentials(keyId, secret!, variable("AWS_SESSION_TOKEN") is { Length: > 0 } token ? token : null);
    }

    /// <summary>The first region the AWS CLI would take, then the server's own variable (BERTH_REGION), then its default.</summary>
    internal static string Region(Func<string, string?> variable) =>
        new[] { "AWS_REGION", "AWS_DEFAULT_REGION", "BERTH_REGION" }.Select(variable).FirstOrDefault(r => !string.IsNullOrEmpty(r)) ?? DefaultRegion;

    private static Option<string> EndpointOption()
    {
        var option = EnvOption.Create("--endpoint-url", "The Berth server", "BERTH_SERVER", "http://127.0.0.1:4566");
        option.Aliases.Add("--server");
        return option;
    }
}
