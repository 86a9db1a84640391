using System.Text.Json;
using Berth.Core.Arns;
using Berth.Core.Identity.Authorization;
using Berth.Core.Identity.Authorization.Services;

namespace Berth.Core.Tests.Identity.Authorization;

/// <summary>
/// Keeps the catalogue complete and its rules honest: every operation of every model Berth serves has an
/// action, and every member a rule reads exists in the model.
/// </summary>
public class ActionCatalogueCoverageTests
{
    private static readonly ResourceScope Scope = new("us-east-1", "000000000000");

    private static readonly ServiceAuthorization[] AllRules =
    [
        EcsAuthorization.Rules, LogsAuthorization.Rules, CloudWatchAuthorization.Rules, ElbAuthorization.Rules,
        IamAuthorization.Rules, StsAuthorization.Rules, SsmAuthorization.Rules, SecretsManagerAuthorization.Rules,
        AutoScalingAuthorization.Rules, CostExplorerAuthorization.Rules,
    ];

    /// <summary>
    /// Operations whose request names none of the resource's members: the resource comes from another ARN in the
    /// request (a deployment's service), or is not in the request at all (GetAccessKeyLastUsed's user).
    /// </summary>
    private static readonly HashSet<string> NamedElsewhere =
    [
        "ecs ContinueServiceDeployment service", "ecs StopServiceDeployment service", "ecs DescribeServiceDeployments service",
        "ecs DescribeServiceRevisions service", "ecs DescribeDaemonDeployments daemon", "ecs DescribeDaemonRevisions daemon",
        "ecs CreateTaskSet task-set",
        "logs CreateDelivery delivery", "logs CreateScheduledQuery scheduled-query", "logs GetLogRecord log-group", "logs GetQueryResults log-group",
        "cloudwatch ListAlarmMuteRules alarm-mute-rule",
        "iam ChangePassword user", "iam CreateOpenIDConnectProvider oidc-provider", "iam GetAccessKeyLastUsed user",
        "iam GetServiceLinkedRoleDeletionStatus role",
    ];

    public static TheoryData<string> Services => [.. ActionCatalogue.Services];

    [Fact]
    public void Catalogue_serves_every_service_berth_speaks_and_the_ones_that_come_next()
    {
        Assert.Equal(["application-autoscaling", "ce", "cloudwatch", "ecs", "elbv2", "iam", "logs", "secretsmanager", "ssm", "sts"], ActionCatalogue.Services.Order());
    }

    [Theory]
    [InlineData("ecs", "ecs")]
    [InlineData("elbv2", "elasticloadbalancing")]
    [InlineData("cloudwatch", "monitoring")]
    [InlineData("logs", "logs")]
    [InlineData("sts", "sts")]
    [InlineData("application-autoscaling", "application-autoscaling")]
    [InlineData("ce", "ce")]
    public void Signing_name_is_the_credential_scopes_service(string service, string signingName)
    {
        Assert.Equal(signingName, ActionCatalogue.SigningName(service));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_operation_of_the_model_has_an_action_and_resources(string service)
    {
        var model = ServiceModels.All.Single(m => m.Service == service);
        Assert.NotEmpty(model.Operations);
        Assert.Equal(model.Operations.Keys.Order(), ActionCatalogue.Operations(service).Order());
        foreach (var operation in ActionCatalogue.Operations(service))
        {
            Assert.True(ActionCatalogue.TryDescribe(service, operation, Empty, Scope, out var target), $"{service} {operation}");
            Assert.Equal($"{model.IamPrefix}:{operation}", target.Action);
            Assert.NotEmpty(target.Resources);
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_rule_names_an_operation_of_the_model_and_members_its_input_has(string service)
    {
        var model = ServiceModels.All.Single(m => m.Service == service);
        var rules = AllRules.Single(r => r.Service == service);
        var unnamed = new List<string>();
        foreach (var (operation, rule) in rules.Operations)
        {
            Assert.True(model.Operations.ContainsKey(operation), $"{service} has no operation {operation}");
            var input = model.Operations[operation];
            foreach (var member in rule.ArnMembers)
            {
                Assert.Contains(Root(member), input);
            }
            unnamed.AddRange(rule.ResourceTypes.Select(rules.Type)
                .Where(type => !type.Members.Any(m => input.Contains(Root(m))))
                .Select(type => $"{service} {operation} {type.Name}"));
        }
        var expected = NamedElsewhere.Where(e => e.StartsWith(service + " ", StringComparison.Ordinal)).Order().ToList();
        Assert.True(expected.SequenceEqual(unnamed.Order()), "Unnamed: " + string.Join(" | ", unnamed.Order()));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_member_a_resource_type_reads_exists_in_some_operation(string service)
    {
        var inputs = ServiceModels.All.Single(m => m.Service == service).Operations.Values.SelectMany(m => m).ToHashSet();
        var rules = AllRules.Single(r => r.Service == service);
        foreach (var member in rules.ResourceTypes.SelectMany(t => t.Members).Concat(rules.Variables.Values.SelectMany(v => v.Members)))
        {
            Assert.Contains(Root(member), inputs);
        }
    }

    [Fact]
    public void Unknown_service_or_operation_is_not_described()
    {
        Assert.False(ActionCatalogue.TryDescribe("s3", "GetObject", Empty, Scope, out _));
        Assert.False(ActionCatalogue.TryDescribe("ecs", "LaunchRocket", Empty, Scope, out _));
    }

    private static JsonElement Empty => JsonDocument.Parse("{}").RootElement;

    private static string Root(string path) => path.Split("[].")[0];
}
