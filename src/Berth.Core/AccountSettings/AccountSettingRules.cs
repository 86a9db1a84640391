using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.AccountSettings;

/// <summary>
/// ECS account settings: the values each name allows and the value AWS applies when nobody set one
/// (ECS developer guide, "Amazon ECS account settings").
/// </summary>
public static class AccountSettingRules
{
    private static readonly string[] OnOff = ["enabled", "disabled"];

    private static readonly Dictionary<string, (string Default, string[] Allowed)> Settings = new(StringComparer.Ordinal)
    {
        ["serviceLongArnFormat"] = ("enabled", OnOff),
        ["taskLongArnFormat"] = ("enabled", OnOff),
        ["containerInstanceLongArnFormat"] = ("enabled", OnOff),
        ["awsvpcTrunking"] = ("disabled", OnOff),
        ["containerInsights"] = ("disabled", ["enabled", "disabled", "enhanced"]),
        ["fargateFIPSMode"] = ("disabled", OnOff),
        ["tagResourceAuthorization"] = ("on", ["on", "off"]),
        ["fargateTaskRetirementWaitPeriod"] = ("7", ["0", "7", "14"]),
        ["guardDutyActivate"] = ("off", ["on", "off"]),
        ["defaultLogDriverMode"] = ("non-blocking", ["blocking", "non-blocking"]),
        ["fargateEventWindows"] = ("disabled", OnOff),
    };

    public static IEnumerable<string> Names => Settings.Keys.Order(StringComparer.Ordinal);

    public static void ValidateName(string? name)
    {
        Require.OneOf(Require.NotBlank(name, "name"), EcsEnums.SettingName, "name");
        if (!Settings.ContainsKey(name!))
        {
            throw new InvalidParameterException($"The account setting '{name}' is not supported by Berth.");
        }
    }

    public static void Validate(string? name, string? value)
    {
        ValidateName(name);
        var allowed = Settings[name!].Allowed;
        if (value is null || !allowed.Contains(value))
        {
            throw new InvalidParameterException($"Invalid value '{value}' for setting {name}. Valid values are: {string.Join(", ", allowed)}.");
        }
    }

    /// <summary>The setting AWS applies when neither the principal nor the account default sets one.</summary>
    public static Setting AwsDefault(string name, string principalArn) =>
        new() { Name = name, Value = Settings[name].Default, PrincipalArn = principalArn, Type = "aws_managed" };
}
