using Berth.Core.AccountSettings;
using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.Tests.AccountSettings;

public class AccountSettingRulesTests
{
    [Theory]
    [InlineData("serviceLongArnFormat", "enabled")]
    [InlineData("taskLongArnFormat", "disabled")]
    [InlineData("awsvpcTrunking", "enabled")]
    [InlineData("containerInsights", "enhanced")]
    [InlineData("tagResourceAuthorization", "off")]
    [InlineData("fargateTaskRetirementWaitPeriod", "14")]
    [InlineData("fargateTaskRetirementWaitPeriod", "0")]
    [InlineData("defaultLogDriverMode", "blocking")]
    [InlineData("guardDutyActivate", "on")]
    public void Accepts_the_values_each_setting_allows(string name, string value)
    {
        AccountSettingRules.Validate(name, value);
    }

    [Theory]
    [InlineData("serviceLongArnFormat", "on")]
    [InlineData("containerInsights", "Enabled")]
    [InlineData("fargateTaskRetirementWaitPeriod", "3")]
    [InlineData("tagResourceAuthorization", "enabled")]
    [InlineData("awsvpcTrunking", null)]
    public void Refuses_values_a_setting_does_not_allow(string name, string? value)
    {
        var error = Assert.Throws<InvalidParameterException>(() => AccountSettingRules.Validate(name, value));
        Assert.StartsWith($"Invalid value '{value}' for setting {name}. Valid values are: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("longArnFormat")]
    [InlineData("ServiceLongArnFormat")]
    public void Refuses_names_ecs_does_not_have(string? name)
    {
        Assert.Throws<InvalidParameterException>(() => AccountSettingRules.ValidateName(name));
    }

    [Fact]
    public void Every_setting_berth_knows_is_an_ecs_setting()
    {
        Assert.All(AccountSettingRules.Names, name => Assert.Contains(name, EcsEnums.SettingName));
        Assert.Equal(AccountSettingRules.Names.Order(StringComparer.Ordinal), AccountSettingRules.Names);
    }

    [Theory]
    [InlineData("serviceLongArnFormat", "enabled")]
    [InlineData("awsvpcTrunking", "disabled")]
    [InlineData("containerInsights", "disabled")]
    [InlineData("tagResourceAuthorization", "on")]
    [InlineData("fargateTaskRetirementWaitPeriod", "7")]
    [InlineData("defaultLogDriverMode", "non-blocking")]
    public void Aws_defaults_are_aws_managed_settings_of_the_principal(string name, string value)
    {
        const string principal = "arn:aws:iam::000000000000:root";

        Assert.Equal(
            new Setting { Name = name, Value = value, PrincipalArn = principal, Type = "aws_managed" },
            AccountSettingRules.AwsDefault(name, principal));
    }

    [Fact]
    public void Every_default_is_a_value_the_setting_allows()
    {
        Assert.All(AccountSettingRules.Names, name => AccountSettingRules.Validate(name, AccountSettingRules.AwsDefault(name, "p").Value));
    }
}
