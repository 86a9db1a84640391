using System.Text.Json.Nodes;
using Berth.Core.Ecs;
using Berth.Server;
using Berth.Store;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Tests.CostExplorer;

/// <summary><c>--price-file</c>: a table of the user's prices replaces the built-in one, and one Berth cannot use stops the start.</summary>
public sealed class PriceFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("berth-prices-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private ServerOptions Options(string prices)
    {
        var file = Path.Combine(_directory, "prices.json");
        File.WriteAllText(file, prices);
        return new ServerOptions { Port = 0, DataDirectory = Path.Combine(_directory, "data"), PriceFilePath = file };
    }

    [Fact]
    public async Task Other_prices_change_what_get_cost_and_usage_answers()
    {
        await using var server = await RunningServer.StartAsync(Options("""
            {
              "source": "test", "retrieved": "2026-12-01", "currency": "USD", "defaultRegion": "us-east-1",
              "regions": { "us-east-1": { "usageTypePrefix": "USE1",
                "onDemand": { "vcpuHour": 1.0, "gbHour": 0.5, "verified": false }, "spot": { "vcpuHour": 0.1, "gbHour": 0.05, "verified": false } } }
            }
            """));
        var started = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        await server.Services.GetRequiredService<IStateStore>().CommitAsync([EcsRecords.PutTask(new EcsTask
        {
            TaskArn = $"arn:aws:ecs:us-east-1:{EcsClient.Account}:task/demo/priced",
            ClusterArn = $"arn:aws:ecs:us-east-1:{EcsClient.Account}:cluster/demo",
            LaunchType = "FARGATE",
            Cpu = "1024",
            Memory = "2048",
            LastStatus = "STOPPED",
            DesiredStatus = "STOPPED",
            StartedAt = started,
            StoppedAt = started.AddHours(1),
        }, 0)], CancellationToken.None);

        var answer = await new EcsClient(server.Http, "us-east-1", "AWSInsightsIndexService").OkAsync("GetCostAndUsage", new
        {
            TimePeriod = new { Start = "2026-11-01", End = "2026-12-01" },
            Granularity = "MONTHLY",
            Metrics = new[] { "UnblendedCost" },
        });

        // One hour of 1 vCPU and 2 GB at the file's $1 per vCPU-hour and $0.50 per GB-hour.
        var amount = answer["ResultsByTime"]![0]!["Total"]!["UnblendedCost"]!["Amount"]!.GetValue<string>();
        Assert.Equal(2m, decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("""{ "source": "x", "retrieved": "x", "currency": "USD", "defaultRegion": "eu-west-1", "regions": {} }""", "defaultRegion")]
    public async Task A_file_berth_cannot_use_stops_the_start_naming_the_flag(string prices, string reason)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => BerthServer.BuildAsync(Options(prices), CancellationToken.None));

        Assert.StartsWith("--price-file (BERTH_PRICE_FILE): ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
