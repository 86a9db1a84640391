using Berth.Server;

namespace Berth.Api.Tests.Capacity;

/// <summary>A capacity provider with managed scaling ENABLED gets ECS's CapacityProviderReservation metric, once a metric minute.</summary>
public sealed class ManagedScalingMetricTests
{
    [Fact]
    public async Task A_cluster_with_a_managed_provider_gets_its_reservation_and_one_without_gets_none()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-managed-scaling-{Guid.NewGuid():N}");
        try
        {
            // A metric minute of one second, so the publisher's minute passes while the test waits.
            await using var server = await RunningServer.StartAsync(
                new ServerOptions { Port = 0, DataDirectory = dataDirectory, MetricMinute = TimeSpan.FromSeconds(1) });
            var ecs = server.Client("us-east-1");
            var cloudWatch = new EcsClient(server.Http, "us-east-1", "GraniteServiceVersion20100801");
            foreach (var (name, status) in new[] { ("scaled", "ENABLED"), ("manual", "DISABLED") })
            {
                await ecs.OkAsync("CreateCapacityProvider", new
                {
                    name,
                    autoScalingGroupProvider = new { autoScalingGroupArn = $"{name}-group", managedScaling = new { status } },
                });
                await ecs.OkAsync("CreateCluster", new { clusterName = $"{name}-cluster", capacityProviders = new[] { name } });
            }

            var metrics = await Eventually.ReadAsync(
                () => cloudWatch.OkAsync("ListMetrics", new { Namespace = "AWS/ECS/ManagedScaling" }),
                m => m["Metrics"]!.AsArray().Count > 0);

            var metric = Assert.Single(metrics["Metrics"]!.AsArray())!;
            Assert.Equal("CapacityProviderReservation", (string)metric["MetricName"]!);
            Assert.Equal(
                ["CapacityProviderName=scaled", "ClusterName=scaled-cluster"],
                metric["Dimensions"]!.AsArray().Select(d => $"{d!["Name"]}={d["Value"]}").Order(StringComparer.Ordinal));
            // No instance in the group and nothing to place: ECS reports 100.
            var now = DateTimeOffset.UtcNow;
            var statistics = await cloudWatch.OkAsync("GetMetricStatistics", new
            {
                Namespace = "AWS/ECS/ManagedScaling",
                MetricName = "CapacityProviderReservation",
                Dimensions = new[] { new { Name = "CapacityProviderName", Value = "scaled" }, new { Name = "ClusterName", Value = "scaled-cluster" } },
                StartTime = now.AddHours(-1).ToUnixTimeSeconds(),
                EndTime = now.AddHours(1).ToUnixTimeSeconds(),
                Period = 60,
                Statistics = new[] { "Maximum" },
            });
            Assert.All(statistics["Datapoints"]!.AsArray(), d => Assert.Equal(100.0, (double)d!["Maximum"]!));
            Assert.NotEmpty(statistics["Datapoints"]!.AsArray());
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
