using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Berth.Agent.ControlPlane;
using Berth.Core.Agent;
using Berth.Core.State;

namespace Berth.Cli;

/// <summary>
/// <c>berth agent token create|list|revoke</c>: join tokens for agents (docs/security.md, "Agents"), signed with the
/// caller's key (AWS_ACCESS_KEY_ID…): the root user's, or an admin's allowed berth:CreateAgentJoinToken and co.
/// </summary>
internal static class TokenCommands
{
    public static Command Token()
    {
        var command = new Command("token", "Join tokens: an agent started with --join-token joins the token's cluster and gets an identity of its own.");
        command.Subcommands.Add(Create());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Revoke());
        return command;
    }

    private static Command Create()
    {
        var join = new AgentJoinFlags();
        var cluster = new Option<string>("--cluster") { Description = "Cluster agents may join with the token", Required = true };
        var expiresIn = new Option<string>("--expires-in") { Description = "How long it works: 90m, 24h, 7d (default 24h, at most 30d)", DefaultValueFactory = _ => "24h" };
        var command = new Command("create", "Create a join token; it is printed once.");
        join.AddTo(command, withJoinToken: false);
        command.Options.Add(cluster);
        command.Options.Add(expiresIn);
        command.SetAction((result, cancellationToken) => RunAsync("agent token create", join, result, async http =>
        {
            var request = new CreateJoinTokenRequest { Cluster = result.GetValue(cluster), ExpiresInSeconds = (long)Duration(result.GetValue(expiresIn)!).TotalSeconds };
            var created = await PostAsync(http, "create", request, StateJsonContext.Default.CreateJoinTokenRequest, StateJsonContext.Default.CreateJoinTokenResponse,
                cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Join token {created.Token.TokenId} for {created.Token.ClusterArn}, expires {created.Token.ExpiresAt:u}. It is shown this once:");
            Console.WriteLine($"  {created.JoinToken}");
            Console.WriteLine("Start an agent with it: BERTH_JOIN_TOKEN=<token> berth agent --server <url> --cluster <cluster>");
        }));
        return command;
    }

    private static Command List()
    {
        var join = new AgentJoinFlags();
        var cluster = new Option<string?>("--cluster") { Description = "Only this cluster's tokens" };
        var command = new Command("list", "List join tokens (never their secrets).");
        join.AddTo(command, withJoinToken: false);
        command.Options.Add(cluster);
        command.SetAction((result, cancellationToken) => RunAsync("agent token list", join, result, async http =>
        {
            var listed = await PostAsync(http, "list", new ListJoinTokensRequest { Cluster = result.GetValue(cluster) }, StateJsonContext.Default.ListJoinTokensRequest,
                StateJsonContext.Default.ListJoinTokensResponse, cancellationToken).ConfigureAwait(false);
            foreach (var token in listed.Tokens)
            {
                Console.WriteLine($"{token.TokenId}  {token.ClusterArn}  expires {token.ExpiresAt:u}  created {token.CreatedAt:u} by {token.CreatedBy}");
            }
        }));
        return command;
    }

    private static Command Revoke()
    {
        var join = new AgentJoinFlags();
        var id = new Argument<string>("token-id") { Description = "The token's id, as list shows it" };
        var command = new Command("revoke", "Revoke a join token; agents that joined with it keep their identities (deregister an instance to revoke its agent's).");
        join.AddTo(command, withJoinToken: false);
        command.Arguments.Add(id);
        command.SetAction((result, cancellationToken) => RunAsync("agent token revoke", join, result, async http =>
        {
            var revoked = await PostAsync(http, "revoke", new RevokeJoinTokenRequest { TokenId = result.GetValue(id) }, StateJsonContext.Default.RevokeJoinTokenRequest,
                StateJsonContext.Default.JoinTokenView, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Revoked join token {revoked.TokenId} for {revoked.ClusterArn}.");
        }));
        return command;
    }

    /// <summary>90s, 90m, 24h, 7d.</summary>
    internal static TimeSpan Duration(string text)
    {
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }
        throw new ArgumentException($"--expires-in takes a number and s, m, h or d (24h); got '{text}'.");
    }

    private static async Task<int> RunAsync(string name, AgentJoinFlags join, ParseResult result, Func<HttpClient, Task> run)
    {
        try
        {
            var server = join.ServerUrl(result);
            return await ServerClient.RunAsync(name, server.ToString(), async _ =>
            {
                using var http = SignedHttpClient.Create(server, join.Credentials(result), join.Region(result), join.CaCertificatePath(result));
                await run(http).ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"berth {name}: {e.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    private static async Task<TResponse> PostAsync<TRequest, TResponse>(HttpClient http, string operation, TRequest request, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(new Uri($"/_berth/agent/v1/tokens/{operation}", UriKind.Relative), JsonContent.Create(request, requestType),
            cancellationToken).ConfigureAwait(false);
        await ServerClient.EnsureAcceptedAsync(response, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), responseType)
            ?? throw new JsonException("The server answered an empty body.");
    }
}
