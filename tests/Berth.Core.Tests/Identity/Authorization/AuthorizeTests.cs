using System.Text.Json;
using Berth.Core.Arns;
using Berth.Core.Identity.Authorization;
using Berth.Core.Identity.Policies;

namespace Berth.Core.Tests.Identity.Authorization;

/// <summary>A request described by the catalogue and evaluated against a user's policies, as the API will do it.</summary>
public class AuthorizeTests
{
    private static readonly ResourceScope Scope = new("us-east-1", "000000000000");
    private static readonly AuthorizationPrincipal Alice = new("arn:aws:iam::000000000000:user/alice", "000000000000", PrincipalKind.User, UserName: "alice");

    [Fact]
    public void User_allowed_only_ecs_describe_is_refused_RunTask_naming_the_task_definition()
    {
        var decision = Authorize("ecs", "RunTask", """{"cluster":"prod","taskDefinition":"web:1"}""",
            """{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}""");

        Assert.Equal(AuthorizationOutcome.ImplicitDeny, decision.Outcome);
        Assert.Equal(
            "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:000000000000:task-definition/web:1 because no identity-based policy allows the ecs:RunTask action",
            decision.DenialMessage);
    }

    [Fact]
    public void Deny_on_the_prod_cluster_by_ecs_cluster_stops_RunTask_there_only()
    {
        string[] policy =
        [
            """{"Effect":"Allow","Action":"ecs:*","Resource":"*"}""",
            """{"Effect":"Deny","Action":"ecs:RunTask","Resource":"*","Condition":{"ArnLike":{"ecs:cluster":"arn:aws:ecs:*:*:cluster/prod"}}}""",
        ];

        Assert.Equal(AuthorizationOutcome.ExplicitDeny, Authorize("ecs", "RunTask", """{"cluster":"prod","taskDefinition":"web:1"}""", policy).Outcome);
        Assert.True(Authorize("ecs", "RunTask", """{"cluster":"dev","taskDefinition":"web:1"}""", policy).IsAllowed);
    }

    [Fact]
    public void One_denied_resource_among_several_refuses_the_request_naming_it()
    {
        var decision = Authorize("ecs", "DescribeClusters", """{"clusters":["dev","prod"]}""",
            """{"Effect":"Allow","Action":"ecs:DescribeClusters","Resource":"arn:aws:ecs:*:*:cluster/dev"}""");

        Assert.Contains("on resource: arn:aws:ecs:us-east-1:000000000000:cluster/prod because", decision.DenialMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Resource_tags_given_per_resource_take_part_in_conditions()
    {
        string[] policy =
        [
            """{"Effect":"Allow","Action":"ecs:*","Resource":"*"}""",
            """{"Effect":"Deny","Action":"ecs:DeleteService","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/env":"prod"}}}""",
        ];
        var tags = new Dictionary<string, Dictionary<string, string>>
        {
            ["arn:aws:ecs:us-east-1:000000000000:service/default/web"] = new() { ["env"] = "prod" },
            ["arn:aws:ecs:us-east-1:000000000000:service/default/api"] = new() { ["env"] = "dev" },
        };

        Assert.False(Authorize("ecs", "DeleteService", """{"service":"web"}""", policy, r => RequestContext.Empty.WithResourceTags(tags[r.Arn], "ecs")).IsAllowed);
        Assert.True(Authorize("ecs", "DeleteService", """{"service":"api"}""", policy, r => RequestContext.Empty.WithResourceTags(tags[r.Arn], "ecs")).IsAllowed);
    }

    [Fact]
    public void GetCallerIdentity_is_allowed_even_under_a_deny_on_everything()
    {
        Assert.True(Authorize("sts", "GetCallerIdentity", "{}", """{"Effect":"Deny","Action":"*","Resource":"*"}""").IsAllowed);
    }

    [Fact]
    public void Request_tags_take_part_in_conditions()
    {
        var policy = """{"Effect":"Allow","Action":"ecs:CreateCluster","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"web"}}}""";

        Assert.True(Authorize("ecs", "CreateCluster", """{"clusterName":"c","tags":[{"key":"team","value":"web"}]}""", policy).IsAllowed);
        Assert.False(Authorize("ecs", "CreateCluster", """{"clusterName":"c"}""", policy).IsAllowed);
    }

    private static AuthorizationDecision Authorize(string service, string operation, string request, params string[] statements) =>
        Authorize(service, operation, request, statements, null);

    private static AuthorizationDecision Authorize(string service, string operation, string request, string[] statements,
        Func<RequestedResource, RequestContext>? resourceContext)
    {
        Assert.True(ActionCatalogue.TryDescribe(service, operation, JsonDocument.Parse(request).RootElement, Scope, out var target));
        Assert.True(PolicyDocument.TryParse($$"""{"Version":"2012-10-17","Statement":[{{string.Join(',', statements)}}]}""", PolicyKind.Identity,
            out var policy, out var error), error);
        var context = RequestContext.ForRequest(Alice, DateTimeOffset.UnixEpoch, "127.0.0.1", secureTransport: false, Scope.Region);
        return PolicyEvaluator.Authorize(target, Alice, context, [policy], resourceContext);
    }
}
