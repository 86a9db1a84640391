using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Ecs;

/// <summary>RunTask's clientToken: a retry with the same token and parameters starts nothing new.</summary>
public class RunTaskClientTokenApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private async Task ClusterAsync(string cluster)
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        await ClusterCapacity.RegisterInstanceAsync(_ecs, cluster, $"i-{cluster}");
        await ClusterCapacity.RegisterWebAsync(_ecs, cluster, cpu: 10, memory: 10);
    }

    private static List<string> ArnsOf(JsonNode run) => run["tasks"]!.AsArray().Select(t => (string)t!["taskArn"]!).ToList();

    private async Task<List<string>> ListAsync(string cluster) =>
        (await _ecs.OkAsync("ListTasks", new { cluster }))["taskArns"]!.AsArray().Select(a => (string)a!).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task The_same_token_twice_returns_the_first_tasks_and_starts_no_more()
    {
        await ClusterAsync("again");

        var first = await _ecs.OkAsync("RunTask", new { cluster = "again", taskDefinition = "again", count = 2, clientToken = "retry-1" });
        var second = await _ecs.OkAsync("RunTask", new { cluster = "again", taskDefinition = "again", count = 2, clientToken = "retry-1" });

        Assert.Equal(2, ArnsOf(first).Count);
        Assert.Equal(ArnsOf(first), ArnsOf(second));
        Assert.Empty(second["failures"]!.AsArray());
        Assert.Equal(ArnsOf(first).Order(StringComparer.Ordinal), await ListAsync("again"));
    }

    [Fact]
    public async Task Tokens_are_case_sensitive_and_without_one_every_call_starts_tasks()
    {
        await ClusterAsync("distinct");

        await _ecs.OkAsync("RunTask", new { cluster = "distinct", taskDefinition = "distinct", clientToken = "Token" });
        await _ecs.OkAsync("RunTask", new { cluster = "distinct", taskDefinition = "distinct", clientToken = "token" });
        await _ecs.OkAsync("RunTask", new { cluster = "distinct", taskDefinition = "distinct" });
        await _ecs.OkAsync("RunTask", new { cluster = "distinct", taskDefinition = "distinct" });

        Assert.Equal(4, (await ListAsync("distinct")).Count);
    }

    [Fact]
    public async Task The_same_token_with_other_parameters_is_a_conflict_and_starts_nothing()
    {
        await ClusterAsync("clash");
        var first = await _ecs.OkAsync("RunTask", new { cluster = "clash", taskDefinition = "clash", clientToken = "once" });

        var refused = await _ecs.SendAsync("RunTask", new { cluster = "clash", taskDefinition = "clash", count = 2, clientToken = "once" });

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("ConflictException", (string?)refused.Body!["__type"]);
        Assert.Contains("clientToken", (string)refused.Body["message"]!, StringComparison.Ordinal);
        // ECS's ConflictException names the tasks the token already holds.
        Assert.Equal(ArnsOf(first), refused.Body["resourceIds"]!.AsArray().Select(a => (string)a!));
        Assert.Equal(ArnsOf(first), await ListAsync("clash"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123x")]
    public async Task A_token_that_is_not_1_to_64_printable_ASCII_characters_is_refused_and_starts_nothing(string token)
    {
        var cluster = $"bad{token.Length}";
        await ClusterAsync(cluster);

        var (type, _) = await _ecs.ErrorAsync("RunTask", new { cluster, taskDefinition = cluster, clientToken = token });

        Assert.Equal("InvalidParameterException", type);
        Assert.Empty(await ListAsync(cluster));
    }

    [Fact]
    public async Task Concurrent_duplicates_start_one_set_of_tasks()
    {
        await ClusterAsync("race");
        var request = new { cluster = "race", taskDefinition = "race", count = 3, clientToken = "racing" };

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _ecs.OkAsync("RunTask", request)));

        var arns = ArnsOf(runs[0]);
        Assert.Equal(3, arns.Count);
        Assert.All(runs, run => Assert.Equal(arns.Order(StringComparer.Ordinal), ArnsOf(run).Order(StringComparer.Ordinal)));
        Assert.Equal(arns.Order(StringComparer.Ordinal), await ListAsync("race"));
    }

    [Fact]
    public async Task A_token_is_per_cluster()
    {
        await ClusterAsync("left");
        await ClusterAsync("right");

        var left = await _ecs.OkAsync("RunTask", new { cluster = "left", taskDefinition = "left", clientToken = "shared" });
        var right = await _ecs.OkAsync("RunTask", new { cluster = "right", taskDefinition = "right", clientToken = "shared" });

        Assert.Single(await ListAsync("left"));
        Assert.Single(await ListAsync("right"));
        Assert.NotEqual(ArnsOf(left), ArnsOf(right));
    }
}
