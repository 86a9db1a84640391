using System.Text.Json.Nodes;
using Berth.Core.Cost;
using Berth.Core.Ecs;
using Berth.Store;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Tests.CostExplorer;

/// <summary>
/// Cost Explorer over HTTP, on tasks of known sizes and run times written straight to the store (the class has a
/// server of its own, so the account's usage is exactly these): a Fargate task, a Fargate Spot task in another region,
/// an EC2 task (not on a Fargate bill) and the usage of a task already forgotten.
/// </summary>
public class CostExplorerApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>, IAsyncLifetime
{
    private const string Account = EcsClient.Account;
    private static readonly DateTimeOffset Nov2 = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    // One hour of 1 vCPU and 2 GB on demand in us-east-1; of 0.5 vCPU and 1 GB on Spot in eu-central-1 (the built-in table).
    private const decimal OnDemandHour = 0.04048m + 2 * 0.004445m;
    private const decimal SpotHour = 0.5m * 0.013968m + 0.001533m;

    private readonly EcsClient _ce = new(server.Http, "us-east-1", "AWSInsightsIndexService");

    private static readonly object November = new { Start = "2026-11-01", End = "2026-12-01" };

    public async Task InitializeAsync()
    {
        var store = server.Services.GetRequiredService<IStateStore>();
        // xUnit runs this before each test of the class, which shares one server: the first seeds it.
        if (await store.GetAsync(CostRecords.TaskUsages, $"arn:aws:ecs:us-east-1:{Account}:task/demo/gone", CancellationToken.None) is not null)
        {
            return;
        }
        var forgotten = TaskUsage.Of(Task("us-east-1", "gone", "FARGATE", null, "web", "blue", Nov2.AddHours(5), TimeSpan.FromHours(1)))!;
        await store.CommitAsync(
        [
            EcsRecords.PutTask(Task("us-east-1", "a", "FARGATE", null, "web", "blue", Nov2, TimeSpan.FromHours(2)), 0),
            EcsRecords.PutTask(Task("eu-central-1", "b", "FARGATE", "FARGATE_SPOT", "batch", "red", Nov2.AddDays(1), TimeSpan.FromHours(1)) with { Cpu = "512", Memory = "1024" }, 0),
            EcsRecords.PutTask(Task("us-east-1", "c", "EC2", null, "web", "blue", Nov2, TimeSpan.FromHours(3)), 0),
            CostRecords.PutUsage(forgotten),
        ], CancellationToken.None);
    }

    public Task DisposeAsync() => System.Threading.Tasks.Task.CompletedTask;

    private static EcsTask Task(string region, string id, string launchType, string? provider, string service, string team, DateTimeOffset started, TimeSpan ran) => new()
    {
        TaskArn = $"arn:aws:ecs:{region}:{Account}:task/demo/{id}",
        ClusterArn = $"arn:aws:ecs:{region}:{Account}:cluster/demo",
        Group = $"service:{service}",
        LaunchType = launchType,
        CapacityProviderName = provider,
        Cpu = "1024",
        Memory = "2048",
        LastStatus = "STOPPED",
        DesiredStatus = "STOPPED",
        StartedAt = started,
        StoppedAt = started + ran,
        Tags = [new Tag { Key = "team", Value = team }],
    };

    private static decimal Amount(JsonNode? metric) => decimal.Parse(metric!["Amount"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

    private static Dictionary<string, decimal> Groups(JsonNode result, string metric = "UnblendedCost") =>
        result["Groups"]!.AsArray().ToDictionary(g => string.Join("|", g!["Keys"]!.AsArray().Select(k => k!.GetValue<string>())), g => Amount(g!["Metrics"]![metric]));

    [Fact]
    public async Task Cost_by_service_is_the_fargate_usage_at_list_prices()
    {
        var answer = await _ce.OkAsync("GetCostAndUsage", new
        {
            TimePeriod = November,
            Granularity = "MONTHLY",
            Metrics = new[] { "UnblendedCost" },
            GroupBy = new[] { new { Type = "DIMENSION", Key = "SERVICE" } },
        });

        var result = Assert.Single(answer["ResultsByTime"]!.AsArray())!;
        Assert.Equal("2026-11-01", result["TimePeriod"]!["Start"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, decimal> { ["Amazon Elastic Container Service"] = 3 * OnDemandHour + SpotHour }, Groups(result));
        Assert.Equal("USD", result["Groups"]![0]!["Metrics"]!["UnblendedCost"]!["Unit"]!.GetValue<string>());
        Assert.Null(answer["NextPageToken"]);
    }

    [Fact]
    public async Task Cost_by_tag_names_groups_key_dollar_value()
    {
        var answer = await _ce.OkAsync("GetCostAndUsage", new
        {
            TimePeriod = November,
            Granularity = "MONTHLY",
            Metrics = new[] { "UnblendedCost" },
            GroupBy = new[] { new { Type = "TAG", Key = "team" } },
        });

        Assert.Equal(new Dictionary<string, decimal> { ["team$blue"] = 3 * OnDemandHour, ["team$red"] = SpotHour }, Groups(answer["ResultsByTime"]![0]!));
    }

    [Fact]
    public async Task Usage_types_are_named_as_on_an_aws_bill_and_filters_combine()
    {
        var answer = await _ce.OkAsync("GetCostAndUsage", new
        {
            TimePeriod = November,
            Granularity = "MONTHLY",
            Metrics = new[] { "UsageQuantity" },
            GroupBy = new[] { new { Type = "DIMENSION", Key = "USAGE_TYPE" } },
            Filter = new
            {
                And = new object[]
                {
                    new { Not = new { Dimensions = new { Key = "REGION", Values = new[] { "eu-central-1" } } } },
                    new { Tags = new { Key = "team", Values = new[] { "BLUE" }, MatchOptions = new[] { "EQUALS", "CASE_INSENSITIVE" } } },
                },
            },
        });

        Assert.Equal(new Dictionary<string, decimal> { ["USE1-Fargate-GB-Hours"] = 6, ["USE1-Fargate-vCPU-Hours:perCPU"] = 3 }, Groups(answer["ResultsByTime"]![0]!, "UsageQuantity"));
    }

    [Fact]
    public async Task Spot_usage_has_its_own_usage_types_and_an_ungrouped_answer_has_a_total()
    {
        var answer = await _ce.OkAsync("GetCostAndUsage", new
        {
            TimePeriod = November,
            Granularity = "DAILY",
            Metrics = new[] { "UnblendedCost", "UsageQuantity" },
            Filter = new { Dimensions = new { Key = "USAGE_TYPE", Values = new[] { "EUC1-SpotUsage-Fargate" }, MatchOptions = new[] { "STARTS_WITH" } } },
        });

        var days = answer["ResultsByTime"]!.AsArray();
        Assert.Equal(30, days.Count);
        Assert.Equal(SpotHour, Amount(days[2]!["Total"]!["UnblendedCost"]));
        Assert.Equal(1.5m, Amount(days[2]!["Total"]!["UsageQuantity"]));
        Assert.Equal(0m, Amount(days[1]!["Total"]!["UnblendedCost"]));
    }

    [Fact]
    public async Task Long_answers_come_in_pages()
    {
        var request = new JsonObject
        {
            ["TimePeriod"] = new JsonObject { ["Start"] = "2026-01-01", ["End"] = "2026-06-01" },
            ["Granularity"] = "DAILY",
            ["Metrics"] = new JsonArray("UnblendedCost"),
        };
        var first = await _ce.OkAsync("GetCostAndUsage", request);
        request["NextPageToken"] = first["NextPageToken"]!.GetValue<string>();
        var second = await _ce.OkAsync("GetCostAndUsage", request);

        Assert.Equal((100, "2026-04-11"), (first["ResultsByTime"]!.AsArray().Count, request["NextPageToken"]!.GetValue<string>()));
        Assert.Equal(51, second["ResultsByTime"]!.AsArray().Count);
        Assert.Null(second["NextPageToken"]);
        request["NextPageToken"] = "2027-01-01";
        Assert.Equal("InvalidNextTokenException", (await _ce.ErrorAsync("GetCostAndUsage", request)).Type);
    }

    [Fact]
    public async Task Dimension_values_and_tags_are_the_ones_in_use()
    {
        var usageTypes = await _ce.OkAsync("GetDimensionValues", new { TimePeriod = November, Dimension = "USAGE_TYPE" });
        var regions = await _ce.OkAsync("GetDimensionValues", new { TimePeriod = November, Dimension = "REGION", SearchString = "EU" });
        var keys = await _ce.OkAsync("GetTags", new { TimePeriod = November });
        var first = await _ce.OkAsync("GetTags", new { TimePeriod = November, TagKey = "team", MaxResults = 1 });
        var second = await _ce.OkAsync("GetTags", new { TimePeriod = November, TagKey = "team", MaxResults = 1, NextPageToken = first["NextPageToken"]!.GetValue<string>() });

        Assert.Equal(
            ["EUC1-SpotUsage-Fargate-GB-Hours", "EUC1-SpotUsage-Fargate-vCPU-Hours:perCPU", "USE1-Fargate-GB-Hours", "USE1-Fargate-vCPU-Hours:perCPU"],
            usageTypes["DimensionValues"]!.AsArray().Select(v => v!["Value"]!.GetValue<string>()));
        Assert.Equal(4, usageTypes["TotalSize"]!.GetValue<int>());
        Assert.Equal("eu-central-1", Assert.Single(regions["DimensionValues"]!.AsArray())!["Value"]!.GetValue<string>());
        Assert.Equal("team", Assert.Single(keys["Tags"]!.AsArray())!.GetValue<string>());
        Assert.Equal(("blue", "red"), (Assert.Single(first["Tags"]!.AsArray())!.GetValue<string>(), Assert.Single(second["Tags"]!.AsArray())!.GetValue<string>()));
        Assert.Null(second["NextPageToken"]);
    }

    [Theory]
    [InlineData("""{"TimePeriod":{"Start":"2026-11-01","End":"2026-12-01"},"Granularity":"MONTHLY","Metrics":["BlendedCost"]}""", "Metric 'BlendedCost' is not supported")]
    [InlineData("""{"TimePeriod":{"Start":"2026-11-01","End":"2026-12-01"},"Granularity":"HOURLY","Metrics":["UnblendedCost"]}""", "Granularity 'HOURLY' is not supported")]
    [InlineData("""{"TimePeriod":{"Start":"2026-12-01","End":"2026-11-01"},"Granularity":"DAILY","Metrics":["UnblendedCost"]}""", "Start date must be before End date")]
    [InlineData("""{"TimePeriod":{"Start":"2026-11-01","End":"2026-12-01"},"Granularity":"DAILY","Metrics":["UnblendedCost"],"GroupBy":[{"Type":"COST_CATEGORY","Key":"x"}]}""", "is not supported")]
    [InlineData("""{"TimePeriod":{"Start":"0001-01-01","End":"9999-12-31"},"Granularity":"DAILY","Metrics":["UnblendedCost"]}""", "at most 5 years")]
    [InlineData("""{"TimePeriod":{"Start":"9999-06-01","End":"9999-12-31"},"Granularity":"MONTHLY","Metrics":["UnblendedCost"]}""", "must end before 9999-01-01")]
    [InlineData("""{"TimePeriod":{"Start":"2026-11-01","End":"2026-12-01"},"Granularity":"DAILY","Metrics":["UnblendedCost"],"Filter":{"Dimensions":{"Key":"AZ","Values":["a"]}}}""", "Dimension 'AZ' is not supported")]
    [InlineData("""{"TimePeriod":{"Start":"2026-11-01","End":"2026-12-01"},"Granularity":"DAILY","Metrics":["UnblendedCost"],"Filter":{"And":[{"Tags":{"Key":"a","Values":["b"]}}]}}""", "at least two expressions")]
    public async Task What_berth_does_not_serve_is_a_validation_error(string request, string message)
    {
        var (type, text) = await _ce.ErrorAsync("GetCostAndUsage", request);
        Assert.Equal("ValidationException", type);
        Assert.Contains(message, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_cost_explorer_operations_are_unsupported()
    {
        var (type, message) = await _ce.ErrorAsync("GetReservationCoverage", new { TimePeriod = November });
        Assert.Equal(("UnsupportedFeatureException", "Berth does not support the GetReservationCoverage operation."), (type, message));
    }
}
