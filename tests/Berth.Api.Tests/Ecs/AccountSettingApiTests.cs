namespace Berth.Api.Tests.Ecs;

public class AccountSettingApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private const string Root = "arn:aws:iam::000000000000:root";
    private const string Alice = "arn:aws:iam::000000000000:user/alice";

    private readonly EcsClient _ecs = server.NewClient();

    private static string Setting(string name, string value, string principal, string type = "user") =>
        $$"""{ "name": "{{name}}", "value": "{{value}}", "principalArn": "{{principal}}", "type": "{{type}}" }""";

    [Fact]
    public async Task PutAccountSetting_sets_the_callers_setting()
    {
        var response = await _ecs.OkAsync("PutAccountSetting", new { name = "containerInsights", value = "enabled" });

        JsonAssert.Equal($$"""{ "setting": {{Setting("containerInsights", "enabled", Root)}} }""", response);
        JsonAssert.Equal(
            $$"""{ "settings": [{{Setting("containerInsights", "enabled", Root)}}] }""",
            await _ecs.OkAsync("ListAccountSettings", new { }));
    }

    [Fact]
    public async Task Effective_settings_fall_back_to_aws_defaults()
    {
        var response = await _ecs.OkAsync("ListAccountSettings", new { name = "fargateTaskRetirementWaitPeriod", effectiveSettings = true });

        JsonAssert.Equal($$"""{ "settings": [{{Setting("fargateTaskRetirementWaitPeriod", "7", Root, "aws_managed")}}] }""", response);
    }

    [Fact]
    public async Task Effective_settings_cover_every_setting_berth_knows_ten_to_a_page()
    {
        var first = await _ecs.OkAsync("ListAccountSettings", new { effectiveSettings = true });
        var second = await _ecs.OkAsync("ListAccountSettings", new { effectiveSettings = true, nextToken = (string)first["nextToken"]! });
        var small = await _ecs.OkAsync("ListAccountSettings", new { effectiveSettings = true, maxResults = 4 });

        Assert.Equal(10, first["settings"]!.AsArray().Count);
        Assert.Single(second["settings"]!.AsArray());
        Assert.Null(second["nextToken"]);
        var names = first["settings"]!.AsArray().Concat(second["settings"]!.AsArray()).Select(s => (string)s!["name"]!).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal).Distinct(), names);
        Assert.Equal(11, names.Count);
        Assert.Equal(names.Take(4), small["settings"]!.AsArray().Select(s => (string)s!["name"]!));
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("ListAccountSettings", new { effectiveSettings = true, maxResults = 11 })).Type);
        Assert.Empty((await _ecs.OkAsync("ListAccountSettings", new { }))["settings"]!.AsArray());
    }

    [Fact]
    public async Task The_account_default_applies_to_principals_without_a_setting_of_their_own()
    {
        var response = await _ecs.OkAsync("PutAccountSettingDefault", new { name = "awsvpcTrunking", value = "enabled" });
        await _ecs.OkAsync("PutAccountSetting", new { name = "awsvpcTrunking", value = "disabled", principalArn = Alice });

        JsonAssert.Equal($$"""{ "setting": {{Setting("awsvpcTrunking", "enabled", Root)}} }""", response);
        JsonAssert.Equal(
            $$"""{ "settings": [{{Setting("awsvpcTrunking", "enabled", Root)}}] }""",
            await _ecs.OkAsync("ListAccountSettings", new { name = "awsvpcTrunking", effectiveSettings = true }));
        JsonAssert.Equal(
            $$"""{ "settings": [{{Setting("awsvpcTrunking", "disabled", Alice)}}] }""",
            await _ecs.OkAsync("ListAccountSettings", new { name = "awsvpcTrunking", effectiveSettings = true, principalArn = Alice }));
    }

    [Fact]
    public async Task DeleteAccountSetting_returns_the_removed_setting_and_the_default_applies_again()
    {
        await _ecs.OkAsync("PutAccountSettingDefault", new { name = "awsvpcTrunking", value = "enabled" });
        await _ecs.OkAsync("PutAccountSetting", new { name = "awsvpcTrunking", value = "disabled", principalArn = Alice });

        var deleted = await _ecs.OkAsync("DeleteAccountSetting", new { name = "awsvpcTrunking", principalArn = Alice });

        JsonAssert.Equal($$"""{ "setting": {{Setting("awsvpcTrunking", "disabled", Alice)}} }""", deleted);
        JsonAssert.Equal(
            $$"""{ "settings": [{{Setting("awsvpcTrunking", "enabled", Alice)}}] }""",
            await _ecs.OkAsync("ListAccountSettings", new { name = "awsvpcTrunking", effectiveSettings = true, principalArn = Alice }));
    }

    [Fact]
    public async Task DeleteAccountSetting_of_an_unset_setting_returns_what_applies()
    {
        var deleted = await _ecs.OkAsync("DeleteAccountSetting", new { name = "guardDutyActivate" });

        JsonAssert.Equal($$"""{ "setting": {{Setting("guardDutyActivate", "off", Root, "aws_managed")}} }""", deleted);
    }

    [Fact]
    public async Task ListAccountSettings_filters_by_value()
    {
        await _ecs.OkAsync("PutAccountSetting", new { name = "containerInsights", value = "enabled" });

        JsonAssert.Equal("""{ "settings": [] }""", await _ecs.OkAsync("ListAccountSettings", new { name = "containerInsights", value = "disabled" }));
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("ListAccountSettings", new { value = "enabled" })).Type);
    }

    [Theory]
    [InlineData("containerInsights", "on")]
    [InlineData("longArnFormat", "enabled")]
    [InlineData("", "enabled")]
    public async Task Unknown_names_and_values_are_invalid_parameters(string name, string value)
    {
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("PutAccountSetting", new { name, value })).Type);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("PutAccountSettingDefault", new { name, value })).Type);
    }
}
