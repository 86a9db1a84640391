using System.Text.Json.Nodes;
using Berth.Control.Secrets;
using Berth.Server;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Tests.Secrets;

/// <summary>
/// Services tagged <c>berth:redeploy-on-secret-change=true</c> get one new deployment per new version of a parameter
/// or secret their containers read, recorded in their events; other services are left alone, and a restart neither
/// loses a change nor repeats a deployment. Passes are run here directly (the server's own pass may run too: either
/// commits the deployment, and the other then finds nothing new).
/// </summary>
public sealed class SecretRedeploymentApiTests : IDisposable
{
    private const string Region = "us-east-1";
    private const string Because = "has started a new deployment because secret ";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-redeploy-{Guid.NewGuid():N}");

    [Fact]
    public async Task Each_new_version_of_a_referenced_value_starts_exactly_one_deployment_of_a_tagged_service()
    {
        await using var server = await RunningServer.StartAsync(_dataDirectory);
        var secretArn = await SetUpAsync(server);
        var (ssm, sm) = (Ssm(server), SecretsManager(server));
        var firstVersion = (string)(await sm.OkAsync("GetSecretValue", new { SecretId = secretArn }))["VersionId"]!;
        Assert.Equal(0, await SweepAsync(server));
        var primary = await PrimaryAsync(server, "tagged");

        await ssm.OkAsync("PutParameter", new { Name = "/rd/db", Value = "db-2", Type = "SecureString", Overwrite = true });
        await SweepAsync(server);
        Assert.Equal([$"(service tagged) {Because}/rd/db changed."], await RedeploymentsAsync(server, "tagged"));
        await SweepAsync(server);
        Assert.Single(await RedeploymentsAsync(server, "tagged"));

        await sm.OkAsync("PutSecretValue", new { SecretId = secretArn, SecretString = "api-2" });
        await SweepAsync(server);
        await sm.OkAsync("UpdateSecret", new { SecretId = secretArn, SecretString = "api-3" });
        await SweepAsync(server);
        var current = (string)(await sm.OkAsync("GetSecretValue", new { SecretId = secretArn }))["VersionId"]!;
        await sm.OkAsync("UpdateSecretVersionStage", new { SecretId = secretArn, VersionStage = "AWSCURRENT", MoveToVersionId = firstVersion, RemoveFromVersionId = current });
        await SweepAsync(server);
        await ssm.OkAsync("PutParameter", new { Name = "/rd/log", Value = "log-2", Type = "SecureString", Overwrite = true });
        await SweepAsync(server);
        await sm.OkAsync("UpdateSecret", new { SecretId = secretArn, Description = "no new value" });
        await SweepAsync(server);

        var redeployments = await RedeploymentsAsync(server, "tagged");
        Assert.Equal(5, redeployments.Count);
        Assert.Equal($"(service tagged) {Because}/rd/log changed.", redeployments[0]);
        Assert.Equal(3, redeployments.Count(m => m.Contains(secretArn, StringComparison.Ordinal)));
        Assert.Empty(await RedeploymentsAsync(server, "plain"));
        var newPrimary = await PrimaryAsync(server, "tagged");
        Assert.NotEqual((string)primary["id"]!, (string)newPrimary["id"]!);
        Assert.Equal((string)primary["taskDefinition"]!, (string)newPrimary["taskDefinition"]!);
    }

    [Fact]
    public async Task A_version_made_after_the_deployment_began_but_before_the_first_look_deploys()
    {
        await using var server = await RunningServer.StartAsync(_dataDirectory);
        await SetUpAsync(server);
        await Ssm(server).OkAsync("PutParameter", new { Name = "/rd/db", Value = "db-2", Type = "SecureString", Overwrite = true });
        await SweepAsync(server);
        await SweepAsync(server);

        Assert.Equal([$"(service tagged) {Because}/rd/db changed."], await RedeploymentsAsync(server, "tagged"));
    }

    [Fact]
    public async Task A_restart_neither_loses_a_new_version_nor_deploys_twice()
    {
        await using (var first = await RunningServer.StartAsync(_dataDirectory))
        {
            await SetUpAsync(first);
            await SweepAsync(first);
            await Ssm(first).OkAsync("PutParameter", new { Name = "/rd/db", Value = "db-2", Type = "SecureString", Overwrite = true });
            await SweepAsync(first);
            Assert.Single(await RedeploymentsAsync(first, "tagged"));
            // Seen by no pass before the stop: the next server must act on it.
            await Ssm(first).OkAsync("PutParameter", new { Name = "/rd/log", Value = "log-2", Type = "SecureString", Overwrite = true });
        }

        await using var second = await RunningServer.StartAsync(_dataDirectory);
        await SweepAsync(second);
        await SweepAsync(second);
        var redeployments = await RedeploymentsAsync(second, "tagged");
        Assert.Equal([$"(service tagged) {Because}/rd/log changed.", $"(service tagged) {Because}/rd/db changed."], redeployments);
    }

    [Fact]
    public async Task A_write_wakes_the_servers_own_pass_without_waiting_for_its_interval()
    {
        // A day between periodic passes: only the wake-up a parameter write gives can deploy within the test.
        await using var server = await RunningServer.StartAsync(new ServerOptions { Port = 0, DataDirectory = _dataDirectory, SecretRedeployInterval = TimeSpan.FromDays(1) });
        await SetUpAsync(server);
        await Ssm(server).OkAsync("PutParameter", new { Name = "/rd/db", Value = "db-2", Type = "SecureString", Overwrite = true });

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await RedeploymentsAsync(server, "tagged")).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Equal([$"(service tagged) {Because}/rd/db changed."], await RedeploymentsAsync(server, "tagged"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private static EcsClient Ssm(RunningServer server) => new(server.Http, Region, "AmazonSSM");

    private static EcsClient SecretsManager(RunningServer server) => new(server.Http, Region, "secretsmanager");

    /// <summary>Two services of one definition reading a parameter, a secret and (as a log option) another parameter; one opted in.</summary>
    private static async Task<string> SetUpAsync(RunningServer server)
    {
        var ecs = server.Client(Region);
        await ecs.OkAsync("CreateCluster", new { clusterName = "rd" });
        await Ssm(server).OkAsync("PutParameter", new { Name = "/rd/db", Value = "db-1", Type = "SecureString" });
        await Ssm(server).OkAsync("PutParameter", new { Name = "/rd/log", Value = "log-1", Type = "SecureString" });
        var secretArn = (string)(await SecretsManager(server).OkAsync("CreateSecret", new { Name = "rd/api", SecretString = "api-1" }))["ARN"]!;
        await ecs.OkAsync("RegisterTaskDefinition", new
        {
            family = "rd",
            executionRoleArn = "arn:aws:iam::000000000000:role/exec",
            containerDefinitions = new[]
            {
                new
                {
                    name = "app", image = "busybox", memory = 64,
                    secrets = new[] { new { name = "DB", valueFrom = "/rd/db" }, new { name = "API", valueFrom = secretArn } },
                    logConfiguration = new
                    {
                        logDriver = "awslogs",
                        options = new Dictionary<string, string> { ["awslogs-group"] = "rd", ["awslogs-region"] = Region },
                        secretOptions = new[] { new { name = "awslogs-stream-prefix", valueFrom = "/rd/log" } },
                    },
                },
            },
        });
        await NextMillisecondAsync();
        await ecs.OkAsync("CreateService", new
        {
            cluster = "rd",
            serviceName = "tagged",
            taskDefinition = "rd",
            desiredCount = 0,
            tags = new[] { new { key = SecretRedeployments.TagKey, value = "true" } },
        });
        await ecs.OkAsync("CreateService", new { cluster = "rd", serviceName = "plain", taskDefinition = "rd", desiredCount = 0 });
        return secretArn;
    }

    /// <summary>
    /// A deployment's time is kept to the millisecond (as ECS shows it), and a first look counts a version made in the
    /// deployment's millisecond as newer. Waiting for the next millisecond keeps the set-up's versions older, as the
    /// tests mean them to be, however fast the calls run.
    /// </summary>
    private static async Task NextMillisecondAsync()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        while (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() <= now)
        {
            await Task.Delay(1);
        }
    }

    private static Task<int> SweepAsync(RunningServer server) => server.Services.GetRequiredService<SecretRedeployments>().SweepAsync(CancellationToken.None);

    private static async Task<JsonNode> ServiceAsync(RunningServer server, string name) =>
        (await server.Client(Region).OkAsync("DescribeServices", new { cluster = "rd", services = new[] { name } }))["services"]![0]!;

    private static async Task<JsonNode> PrimaryAsync(RunningServer server, string name) =>
        (await ServiceAsync(server, name))["deployments"]!.AsArray().Single(d => (string?)d!["status"] == "PRIMARY")!;

    /// <summary>The service's redeployment events, newest first.</summary>
    private static async Task<IReadOnlyList<string>> RedeploymentsAsync(RunningServer server, string name) =>
        [.. (await ServiceAsync(server, name))["events"]!.AsArray().Select(e => (string)e!["message"]!).Where(m => m.Contains(Because, StringComparison.Ordinal))];
}
