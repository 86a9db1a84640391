namespace Berth.Api.Tests.Ecs;

/// <summary>Its own server: the account default it sets would change every other cluster test's clusters.</summary>
public class ContainerInsightsSettingApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    [Fact]
    public async Task CreateCluster_takes_container_insights_from_the_account_settings_unless_the_request_sets_it()
    {
        var before = await _ecs.OkAsync("CreateCluster", new { clusterName = "before" });
        await _ecs.OkAsync("PutAccountSettingDefault", new { name = "containerInsights", value = "enabled" });
        var inherited = await _ecs.OkAsync("CreateCluster", new { clusterName = "inherited" });
        var overridden = await _ecs.OkAsync("CreateCluster", new
        {
            clusterName = "overridden",
            settings = new[] { new { name = "containerInsights", value = "disabled" } },
        });
        // The principal's own setting wins over the account default.
        await _ecs.OkAsync("PutAccountSetting", new { name = "containerInsights", value = "enhanced" });
        var own = await _ecs.OkAsync("CreateCluster", new { clusterName = "own" });
        var existing = await _ecs.OkAsync("DescribeClusters", new { clusters = new[] { "before" }, include = new[] { "SETTINGS" } });

        JsonAssert.Equal("""[{ "name": "containerInsights", "value": "disabled" }]""", before["cluster"]!["settings"]);
        JsonAssert.Equal("""[{ "name": "containerInsights", "value": "enabled" }]""", inherited["cluster"]!["settings"]);
        JsonAssert.Equal("""[{ "name": "containerInsights", "value": "disabled" }]""", overridden["cluster"]!["settings"]);
        JsonAssert.Equal("""[{ "name": "containerInsights", "value": "enhanced" }]""", own["cluster"]!["settings"]);
        // The account setting applies to clusters created after it; existing clusters keep theirs.
        JsonAssert.Equal("""[{ "name": "containerInsights", "value": "disabled" }]""", existing["clusters"]![0]!["settings"]);
    }
}
