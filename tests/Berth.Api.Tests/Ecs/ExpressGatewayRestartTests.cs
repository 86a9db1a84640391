namespace Berth.Api.Tests.Ecs;

/// <summary>An Express service is in the store: a new server on the same data directory describes and deletes it.</summary>
public sealed class ExpressGatewayRestartTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-express-restart-{Guid.NewGuid():N}");

    [Fact]
    public async Task An_express_service_survives_a_restart_with_what_it_provisioned()
    {
        string described;
        string arn;
        await using (var first = await RunningServer.StartAsync(_dataDirectory))
        {
            var ecs = first.Client("eu-west-1");
            await ecs.OkAsync("CreateCluster", new { clusterName = "kept" });
            var created = (await ecs.OkAsync("CreateExpressGatewayService", new
            {
                cluster = "kept",
                serviceName = "web",
                executionRoleArn = "arn:aws:iam::000000000000:role/exec",
                infrastructureRoleArn = "arn:aws:iam::000000000000:role/infra",
                primaryContainer = new { image = "berth/sample-web" },
            }))["service"]!;
            arn = (string)created["serviceArn"]!;
            described = (await ecs.OkAsync("DescribeExpressGatewayService", new { serviceArn = arn }))["service"]!["activeConfigurations"]!.ToJsonString();
        }

        await using var second = await RunningServer.StartAsync(_dataDirectory);
        var again = second.Client("eu-west-1");

        Assert.Equal(described, (await again.OkAsync("DescribeExpressGatewayService", new { serviceArn = arn }))["service"]!["activeConfigurations"]!.ToJsonString());
        await again.OkAsync("DeleteExpressGatewayService", new { serviceArn = arn });
        var scaling = new EcsClient(second.Http, "eu-west-1", "AnyScaleFrontendService");
        Assert.Empty((await scaling.OkAsync("DescribeScalableTargets", new { ServiceNamespace = "ecs" }))["ScalableTargets"]!.AsArray());
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}
