using System.CommandLine;
using Berth.Agent;
using Berth.Control.Identity;
using Berth.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Cli;

/// <summary>
/// <c>berth up</c> (control plane and a local agent in one process), <c>berth server</c> (the control plane
/// alone) and <c>berth agent</c> (an agent joining a server elsewhere).
/// </summary>
internal static class ServerCommands
{
    public static Command Up()
    {
        var server = new ServerFlags();
        var agent = new AgentFlags();
        var fargate = new FargateFlags();
        var command = new Command("up",
            "Start Berth on this machine: the control plane with its embedded store, a local agent running tasks on Docker, and the managed Fargate pool.");
        server.AddTo(command);
        agent.AddTo(command);
        fargate.AddTo(command);
        command.SetAction((result, cancellationToken) => GuardAsync("up", async () =>
        {
            using var trimmer = NativeHeapTrimmer.Start();
            var options = server.Read(result);
            // Every flag is checked before anything starts; the agents learn the server's real address (port 0 picks one) once it listens.
            var configured = new UriBuilder(options.Scheme, options.BindAddress, options.Port).Uri;
            var (local, pool) = fargate.Read(result, agent.Read(result, configured, Path.Combine(options.DataDirectory, "agent")),
                Path.Combine(options.DataDirectory, "fargate-agent"), MachineSize.Local());
            await using var app = await StartServerAsync(options, cancellationToken).ConfigureAwait(false);
            // With --auth sigv4 the agents join with the server's root key, which gives each an identity of its own (a key
            // for its container instance, kept in its data directory); with --tls-cert they trust that certificate alone
            // (it must name the address they use: 127.0.0.1, or the --bind name). The managed
            // agent below takes all of it from here. The region is the server's, which files the agents' instances under it.
            // With --test-minute-seconds they sample as often per metric minute as they would per minute.
            var agentOptions = local with
            {
                ServerUrl = BerthServer.EndpointOf(app),
                Region = options.Api.DefaultRegion,
                Credentials = await RootCredentialsAsync(app, cancellationToken).ConfigureAwait(false) ?? local.Credentials,
                CaCertificatePath = options.TlsCertificatePath,
                StatsInterval = local.StatsInterval * (options.MetricMinute / TimeSpan.FromMinutes(1)),
            };
            var managed = pool is null ? null : pool with
            {
                ServerUrl = agentOptions.ServerUrl,
                Region = agentOptions.Region,
                Credentials = agentOptions.Credentials,
                CaCertificatePath = agentOptions.CaCertificatePath,
                StatsInterval = agentOptions.StatsInterval,
            };
            var loggers = app.Services.GetRequiredService<ILoggerFactory>();
            await LeftoverReport.PrintAsync(app.Services.GetRequiredService<Berth.Store.IStateStore>(), agentOptions.DockerEndpoint, cancellationToken).ConfigureAwait(false);
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
            // The local agent talks to the server over HTTP on loopback, exactly as a remote agent would.
            var agentRun = BerthAgent.RunAsync(agentOptions, loggers, stopping.Token);
            Console.WriteLine($"  agent:    cluster {agentOptions.Cluster}, Docker at {agentOptions.DockerEndpoint}");
            var managedRun = managed is null ? Task.CompletedTask : BerthAgent.RunAsync(managed, loggers, stopping.Token);
            if (managed?.Split is { } split)
            {
                Console.WriteLine($"  fargate:  managed pool for FARGATE and FARGATE_SPOT, {Size(split.PoolCpuUnits, "CPU units")}, {Size(split.PoolMemoryMiB, "MiB")}");
            }
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            await stopping.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(agentRun, managedRun).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>The root key with its secret (decrypted from the store), for the agents in the server's own process; null with auth off.</summary>
    private static async Task<AgentCredentials?> RootCredentialsAsync(WebApplication app, CancellationToken cancellationToken)
    {
        if (await BerthServer.RootKeyAsync(app, cancellationToken).ConfigureAwait(false) is not { } root)
        {
            return null;
        }
        var key = await app.Services.GetRequiredService<AccessKeys>().FindAsync(root.AccessKeyId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The root access key {root.AccessKeyId} is not active.");
        return new AgentCredentials(key.AccessKeyId, key.Credential.SecretAccessKey);
    }

    private static string Size(int? value, string unit) => value is { } v ? $"{v} {unit}" : $"the machine's {unit}, shared";

    public static Command Server()
    {
        var server = new ServerFlags(takesStore: true);
        var command = new Command("server", "Start the control plane alone (API and schedulers).");
        server.AddTo(command);
        command.SetAction((result, cancellationToken) => GuardAsync("server", async () =>
        {
            using var trimmer = NativeHeapTrimmer.Start();
            await using var app = await StartServerAsync(server.Read(result), cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    public static Command Agent()
    {
        var agent = new AgentFlags();
        var join = new AgentJoinFlags();
        var dataDir = EnvOption.Create("--data-dir", "Where the agent keeps its state file", "BERTH_AGENT_DATA_DIR", new AgentOptions().DataDirectory);
        var command = new Command("agent", "Run an agent: register this machine's Docker engine as a container instance of a Berth cluster.");
        command.Subcommands.Add(TokenCommands.Token());
        join.AddTo(command);
        command.Options.Add(dataDir);
        agent.AddTo(command);
        command.SetAction((result, cancellationToken) => GuardAsync("agent", async () =>
        {
            using var trimmer = NativeHeapTrimmer.Start();
            var options = join.Apply(result, agent.Read(result, join.ServerUrl(result), Path.GetFullPath(result.GetValue(dataDir)!)));
            using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Information));
            var signing = (options.JoinToken, options.Credentials) switch
            {
                (not null, _) => $"joining with a join token in {options.Region} (or the key kept in {options.DataDirectory})",
                (_, { } key) => $"joining as {key.AccessKeyId} in {options.Region} (or with the key kept in {options.DataDirectory})",
                _ => "unsigned (the server must run with --auth off)",
            };
            Console.WriteLine($"Berth agent joining cluster {options.Cluster} at {string.Join(", ", options.ServerUrls)}, {signing}. Press Ctrl-C to stop.");
            await BerthAgent.RunAsync(options, loggers, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    private static async Task<WebApplication> StartServerAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        ApiPortCheck.EnsureFree(options);
        var app = await BerthServer.BuildAsync(options, cancellationToken).ConfigureAwait(false);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var endpoint = BerthServer.EndpointOf(app).ToString().TrimEnd('/');
        Console.WriteLine("Berth is up.");
        Console.WriteLine($"  endpoint: {endpoint}  (aws --endpoint-url {endpoint} ecs ...)");
        Console.WriteLine($"  state:    {options.StoreDescription}");
        PrintRootKey(await BerthServer.RootKeyAsync(app, cancellationToken).ConfigureAwait(false), options.Api.DefaultRegion);
        Console.WriteLine("Press Ctrl-C to stop.");
        return app;
    }

    /// <summary>The root key's secret exists nowhere but the encrypted store: it is shown on the start that made it, and never again.</summary>
    private static void PrintRootKey(RootKey? key, string region)
    {
        if (key is null)
        {
            Console.WriteLine("  auth:     off (every caller acts as the account root; loopback only)");
            return;
        }
        if (key.NewSecretAccessKey is not { } secret)
        {
            Console.WriteLine($"  auth:     sigv4, root access key {key.AccessKeyId} (its secret was shown when it was created)");
            return;
        }
        Console.WriteLine($"  auth:     sigv4. Created the root access key; its secret is shown this once, store it now:");
        Console.WriteLine($"    aws configure --profile berth   # AWS Access Key ID: {key.AccessKeyId}, AWS Secret Access Key: {secret}, region: {region}");
        Console.WriteLine("    or add to ~/.aws/credentials:");
        Console.WriteLine("      [berth]");
        Console.WriteLine($"      aws_access_key_id = {key.AccessKeyId}");
        Console.WriteLine($"      aws_secret_access_key = {secret}");
    }

    /// <summary>Bad flags or environment variables end the command with their message and exit code 2.</summary>
    private static async Task<int> GuardAsync(string name, Func<Task> run)
    {
        try
        {
            await run().ConfigureAwait(false);
            return 0;
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"berth {name}: {e.Message}").ConfigureAwait(false);
            return 2;
        }
    }
}
