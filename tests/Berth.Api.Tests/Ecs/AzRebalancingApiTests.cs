using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Ecs;

/// <summary>
/// CreateService's and UpdateService's availabilityZoneRebalancing over HTTP: the default, the refusals and what
/// DescribeServices reports. The rebalancing itself needs running tasks: tests/clients/az_rebalancing_test.py.
/// </summary>
public class AzRebalancingApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private async Task<JsonNode> DescribeAsync(string cluster, string service) =>
        (await _ecs.OkAsync("DescribeServices", new { cluster, services = new[] { service } }))["services"]![0]!;

    [Fact]
    public async Task A_new_service_has_it_enabled_unless_it_says_otherwise_or_cannot_use_it()
    {
        await ClusterCapacity.ClusterWithWebAsync(_ecs, "azr");

        var created = (await _ecs.OkAsync("CreateService", new { cluster = "azr", serviceName = "default", taskDefinition = "web", desiredCount = 0 }))["service"]!;
        var disabled = (await _ecs.OkAsync("CreateService", new
        {
            cluster = "azr",
            serviceName = "off",
            taskDefinition = "web",
            desiredCount = 0,
            availabilityZoneRebalancing = "DISABLED",
        }))["service"]!;
        var atMost100 = (await _ecs.OkAsync("CreateService", new
        {
            cluster = "azr",
            serviceName = "max100",
            taskDefinition = "web",
            desiredCount = 0,
            deploymentConfiguration = new { maximumPercent = 100, minimumHealthyPercent = 0 },
        }))["service"]!;

        Assert.Equal("ENABLED", (string)created["availabilityZoneRebalancing"]!);
        Assert.Equal("ENABLED", (string)(await DescribeAsync("azr", "default"))["availabilityZoneRebalancing"]!);
        Assert.Equal("DISABLED", (string)disabled["availabilityZoneRebalancing"]!);
        Assert.Equal("DISABLED", (string)atMost100["availabilityZoneRebalancing"]!);
    }

    [Fact]
    public async Task Enabled_for_a_service_that_cannot_use_it_is_refused_and_creates_nothing()
    {
        await ClusterCapacity.ClusterWithWebAsync(_ecs, "azr-refused");

        var (type, message) = await _ecs.ErrorAsync("CreateService", new
        {
            cluster = "azr-refused",
            serviceName = "web",
            taskDefinition = "web",
            desiredCount = 1,
            availabilityZoneRebalancing = "ENABLED",
            placementStrategy = new[] { new { type = "binpack", field = "memory" } },
        });
        var (badValue, _) = await _ecs.ErrorAsync("CreateService", new
        {
            cluster = "azr-refused",
            serviceName = "web",
            taskDefinition = "web",
            availabilityZoneRebalancing = "SOMETIMES",
        });

        Assert.Equal(("InvalidParameterException",
            "Availability Zone rebalancing is not supported for services with a first placement strategy other than spread across attribute:ecs.availability-zone."),
            (type, message));
        Assert.Equal("InvalidParameterException", badValue);
        Assert.Empty((await _ecs.OkAsync("ListServices", new { cluster = "azr-refused" }))["serviceArns"]!.AsArray());
    }

    [Fact]
    public async Task UpdateService_changes_it_without_a_deployment_and_keeps_it_when_not_named()
    {
        await ClusterCapacity.ClusterWithWebAsync(_ecs, "azr-update");
        await _ecs.OkAsync("CreateService", new { cluster = "azr-update", serviceName = "web", taskDefinition = "web", desiredCount = 0 });

        var off = (await _ecs.OkAsync("UpdateService", new { cluster = "azr-update", service = "web", availabilityZoneRebalancing = "DISABLED" }))["service"]!;
        var kept = (await _ecs.OkAsync("UpdateService", new { cluster = "azr-update", service = "web", desiredCount = 0 }))["service"]!;
        var (type, message) = await _ecs.ErrorAsync("UpdateService", new
        {
            cluster = "azr-update",
            service = "web",
            availabilityZoneRebalancing = "ENABLED",
            deploymentConfiguration = new { maximumPercent = 100, minimumHealthyPercent = 0 },
        });

        Assert.Equal("DISABLED", (string)off["availabilityZoneRebalancing"]!);
        Assert.Single(off["deployments"]!.AsArray());
        Assert.Equal("DISABLED", (string)kept["availabilityZoneRebalancing"]!);
        Assert.Equal(("InvalidParameterException",
            "Availability Zone rebalancing is not supported for services with a deployment configuration maximumPercent of 100 or less."), (type, message));
        Assert.Equal(200, (int)(await DescribeAsync("azr-update", "web"))["deploymentConfiguration"]!["maximumPercent"]!);
    }
}
