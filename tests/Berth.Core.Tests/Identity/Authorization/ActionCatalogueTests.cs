using System.Text.Json;
using Berth.Core.Arns;
using Berth.Core.Identity.Authorization;

namespace Berth.Core.Tests.Identity.Authorization;

public class ActionCatalogueTests
{
    private const string Ecs = "arn:aws:ecs:us-east-1:000000000000:";
    private static readonly ResourceScope Scope = new("us-east-1", "000000000000");

    [Fact]
    public void RunTask_is_authorized_against_the_task_definition_with_the_cluster_as_ecs_cluster()
    {
        var target = Describe("ecs", "RunTask", """{"cluster":"prod","taskDefinition":"web:1","count":2}""");

        Assert.Equal("ecs:RunTask", target.Action);
        Assert.Equal([new RequestedResource(Ecs + "task-definition/web:1", "task-definition", true)], target.Resources);
        Assert.Equal([Ecs + "cluster/prod"], target.Context.Values("ecs:cluster"));
        Assert.True(target.RequiresAuthorization);
    }

    [Fact]
    public void Request_without_a_cluster_is_about_the_default_cluster()
    {
        Assert.Equal([Ecs + "cluster/default"], Describe("ecs", "RunTask", """{"taskDefinition":"web:1"}""").Context.Values("ecs:cluster"));
        Assert.Equal([Ecs + "cluster/default"], Arns(Describe("ecs", "DescribeClusters", "{}")));
    }

    [Fact]
    public void Task_definition_named_by_family_alone_has_any_revision_and_is_not_exact()
    {
        var resource = Assert.Single(Describe("ecs", "RunTask", """{"taskDefinition":"web"}""").Resources);

        Assert.Equal(new RequestedResource(Ecs + "task-definition/web:*", "task-definition", false), resource);
    }

    [Fact]
    public void Registering_a_task_definition_is_authorized_against_every_revision_of_its_family()
    {
        Assert.Equal([Ecs + "task-definition/web:*"], Arns(Describe("ecs", "RegisterTaskDefinition", """{"family":"web","containerDefinitions":[]}""")));
    }

    [Fact]
    public void Resource_given_as_an_arn_is_used_as_it_is()
    {
        var arn = Ecs + "task-definition/web:7";

        Assert.Equal([new RequestedResource(arn, "task-definition", true)], Describe("ecs", "RunTask", $$"""{"taskDefinition":"{{arn}}"}""").Resources);
    }

    [Fact]
    public void DescribeClusters_is_authorized_against_each_cluster_named_or_given()
    {
        var target = Describe("ecs", "DescribeClusters", $$"""{"clusters":["dev","{{Ecs}}cluster/prod"]}""");

        Assert.Equal([Ecs + "cluster/dev", Ecs + "cluster/prod"], Arns(target));
    }

    [Fact]
    public void Tasks_are_named_within_their_cluster_given_by_name_or_arn()
    {
        var byName = Describe("ecs", "DescribeTasks", $$"""{"cluster":"prod","tasks":["abc","{{Ecs}}task/prod/def"]}""");
        var byArn = Describe("ecs", "StopTask", $$"""{"cluster":"{{Ecs}}cluster/prod","task":"abc"}""");

        Assert.Equal([Ecs + "task/prod/abc", Ecs + "task/prod/def"], Arns(byName));
        Assert.Equal([Ecs + "task/prod/abc"], Arns(byArn));
        Assert.Equal([Ecs + "cluster/prod"], byArn.Context.Values("ecs:cluster"));
    }

    [Fact]
    public void Services_are_named_within_their_cluster()
    {
        Assert.Equal([Ecs + "service/prod/web", Ecs + "service/prod/api"],
            Arns(Describe("ecs", "DescribeServices", """{"cluster":"prod","services":["web","api"]}""")));
        Assert.Equal([Ecs + "service/default/web"], Arns(Describe("ecs", "CreateService", """{"serviceName":"web","taskDefinition":"web:1"}""")));
    }

    [Fact]
    public void List_actions_without_resource_level_permissions_are_authorized_against_star()
    {
        Assert.Equal([RequestedResource.Any], Describe("ecs", "ListClusters", "{}").Resources);
        Assert.Equal([RequestedResource.Any], Describe("cloudwatch", "PutMetricData", """{"Namespace":"Berth"}""").Resources);
        Assert.Equal([RequestedResource.Any], Describe("elbv2", "DescribeLoadBalancers", """{"Names":["web"]}""").Resources);
    }

    [Fact]
    public void ListTasks_without_a_container_instance_covers_every_instance_of_the_cluster()
    {
        var resource = Assert.Single(Describe("ecs", "ListTasks", """{"cluster":"prod"}""").Resources);

        Assert.Equal(new RequestedResource(Ecs + "container-instance/prod/*", "container-instance", false), resource);
    }

    [Fact]
    public void Attributes_name_their_container_instances_in_each_target_id()
    {
        var target = Describe("ecs", "PutAttributes", """{"cluster":"prod","attributes":[{"name":"a","targetId":"i1"},{"name":"b","targetId":"i2"}]}""");

        Assert.Equal([Ecs + "container-instance/prod/i1", Ecs + "container-instance/prod/i2"], Arns(target));
    }

    [Fact]
    public void ExecuteCommand_is_authorized_against_the_cluster_and_the_task()
    {
        Assert.Equal([Ecs + "cluster/prod", Ecs + "task/prod/abc"],
            Arns(Describe("ecs", "ExecuteCommand", """{"cluster":"prod","task":"abc","command":"sh","interactive":true}""")));
    }

    [Fact]
    public void Service_deployment_names_its_service_through_its_own_arn()
    {
        var deployment = Ecs + "service-deployment/prod/web/d1";

        Assert.Equal([Ecs + "service/prod/web", deployment],
            Arns(Describe("ecs", "StopServiceDeployment", $$"""{"serviceDeploymentArn":"{{deployment}}"}""")));
    }

    [Fact]
    public void TagResource_is_authorized_against_the_tagged_resource_with_its_request_tags()
    {
        var target = Describe("ecs", "TagResource", $$"""{"resourceArn":"{{Ecs}}cluster/prod","tags":[{"key":"env","value":"prod"},{"key":"team","value":"web"}]}""");

        Assert.Equal([new RequestedResource(Ecs + "cluster/prod", "cluster", true)], target.Resources);
        Assert.Equal(["prod"], target.Context.Values("aws:RequestTag/env"));
        Assert.Equal(["env", "team"], target.Context.Values("aws:TagKeys"));
    }

    [Fact]
    public void UntagResource_sets_the_tag_keys_it_removes()
    {
        Assert.Equal(["env"], Describe("ecs", "UntagResource", $$"""{"resourceArn":"{{Ecs}}service/prod/web","tagKeys":["env"]}""").Context.Values("aws:TagKeys"));
    }

    [Fact]
    public void CreateService_sets_the_task_definition_capacity_providers_and_execute_command_keys()
    {
        var target = Describe("ecs", "CreateService", """
            {"cluster":"prod","serviceName":"web","taskDefinition":"web:3","enableExecuteCommand":true,
             "capacityProviderStrategy":[{"capacityProvider":"FARGATE","weight":1},{"capacityProvider":"FARGATE_SPOT","weight":1}]}
            """);

        Assert.Equal([Ecs + "task-definition/web:3"], target.Context.Values("ecs:task-definition"));
        Assert.Equal([Ecs + "capacity-provider/FARGATE", Ecs + "capacity-provider/FARGATE_SPOT"], target.Context.Values("ecs:capacity-provider"));
        Assert.Equal(["true"], target.Context.Values("ecs:enable-execute-command"));
        Assert.Equal([Ecs + "cluster/prod"], target.Context.Values("ecs:cluster"));
    }

    [Fact]
    public void Cluster_operations_do_not_set_ecs_cluster()
    {
        Assert.Null(Describe("ecs", "DescribeClusters", """{"clusters":["prod"]}""").Context.Values("ecs:cluster"));
    }

    [Fact]
    public void Log_events_are_authorized_against_their_log_stream()
    {
        var target = Describe("logs", "PutLogEvents", """{"logGroupName":"/ecs/web","logStreamName":"ecs/web/1","logEvents":[]}""");

        Assert.Equal("logs:PutLogEvents", target.Action);
        Assert.Equal([new RequestedResource("arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web:log-stream:ecs/web/1", "log-stream", true)], target.Resources);
    }

    [Fact]
    public void Log_group_may_be_named_by_identifier_and_its_tags_are_a_map()
    {
        const string group = "arn:aws:logs:us-east-1:000000000000:log-group:/ecs/api";

        Assert.Equal([group], Arns(Describe("logs", "DescribeLogStreams", $$"""{"logGroupIdentifier":"{{group}}"}""")));
        Assert.Equal(["prod"], Describe("logs", "CreateLogGroup", """{"logGroupName":"/ecs/web","tags":{"env":"prod"}}""").Context.Values("aws:RequestTag/env"));
    }

    [Fact]
    public void Cloudwatch_alarms_are_regional_and_dashboards_global()
    {
        Assert.Equal("cloudwatch:PutMetricAlarm", Describe("cloudwatch", "PutMetricAlarm", """{"AlarmName":"cpu-high"}""").Action);
        Assert.Equal(["arn:aws:cloudwatch:us-east-1:000000000000:alarm:cpu-high"], Arns(Describe("cloudwatch", "PutMetricAlarm", """{"AlarmName":"cpu-high"}""")));
        Assert.Equal(["arn:aws:cloudwatch::000000000000:dashboard/ops"], Arns(Describe("cloudwatch", "DeleteDashboards", """{"DashboardNames":["ops"]}""")));
    }

    [Fact]
    public void Load_balancer_being_created_has_its_kind_and_name_but_no_id_yet()
    {
        var target = Describe("elbv2", "CreateLoadBalancer", """{"Name":"web-lb","Type":"network"}""");

        Assert.Equal("elasticloadbalancing:CreateLoadBalancer", target.Action);
        Assert.Equal([new RequestedResource("arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/net/web-lb/*", "loadbalancer", false)], target.Resources);
    }

    [Fact]
    public void Elb_resources_named_by_arn_are_typed_by_their_arn()
    {
        const string elb = "arn:aws:elasticloadbalancing:us-east-1:000000000000:";
        const string group = elb + "targetgroup/web/73e2d6bc24d8a067";
        const string balancer = elb + "loadbalancer/app/web-lb/50dc6c495c0c9188";
        const string rule = elb + "listener-rule/app/web-lb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";

        Assert.Equal([new RequestedResource(group, "targetgroup", true)], Describe("elbv2", "RegisterTargets", $$"""{"TargetGroupArn":"{{group}}","Targets":[]}""").Resources);
        Assert.Equal([new RequestedResource(balancer, "loadbalancer", true)], Describe("elbv2", "CreateListener", $$"""{"LoadBalancerArn":"{{balancer}}","Port":80}""").Resources);
        Assert.Equal(["targetgroup", "loadbalancer"], Describe("elbv2", "AddTags", $$"""{"ResourceArns":["{{group}}","{{balancer}}"],"Tags":[{"Key":"env","Value":"dev"}]}""").Resources.Select(r => r.Type));
        Assert.Equal([rule], Arns(Describe("elbv2", "SetRulePriorities", $$"""{"RulePriorities":[{"RuleArn":"{{rule}}","Priority":5}]}""")));
    }

    [Fact]
    public void Iam_names_are_under_the_requests_path_or_assumed_under_root()
    {
        Assert.Equal([new RequestedResource("arn:aws:iam::000000000000:role/app/web-task", "role", true)],
            Describe("iam", "CreateRole", """{"RoleName":"web-task","Path":"/app/","AssumeRolePolicyDocument":"{}"}""").Resources);
        Assert.Equal([new RequestedResource("arn:aws:iam::000000000000:role/web-task", "role", false)],
            Describe("iam", "GetRole", """{"RoleName":"web-task"}""").Resources);
        Assert.Equal(["arn:aws:iam::000000000000:user/alice"], Arns(Describe("iam", "PutUserPolicy", """{"UserName":"alice","PolicyName":"p","PolicyDocument":"{}"}""")));
    }

    [Fact]
    public void Iam_policy_operations_use_the_policy_arn()
    {
        const string policy = "arn:aws:iam::aws:policy/AdministratorAccess";

        Assert.Equal([new RequestedResource(policy, "policy", true)], Describe("iam", "GetPolicy", $$"""{"PolicyArn":"{{policy}}"}""").Resources);
        Assert.Equal(["arn:aws:iam::000000000000:role/web-task"], Arns(Describe("iam", "AttachRolePolicy", $$"""{"RoleName":"web-task","PolicyArn":"{{policy}}"}""")));
    }

    [Fact]
    public void Getting_ones_own_user_names_no_user()
    {
        Assert.Equal([new RequestedResource("arn:aws:iam::000000000000:user/*", "user", false)], Describe("iam", "GetUser", "{}").Resources);
    }

    [Fact]
    public void Service_linked_role_is_under_aws_service_role_with_the_service_as_a_condition_key()
    {
        var target = Describe("iam", "CreateServiceLinkedRole", """{"AWSServiceName":"ecs.amazonaws.com"}""");

        Assert.Equal(["arn:aws:iam::000000000000:role/aws-service-role/ecs.amazonaws.com/*"], Arns(target));
        Assert.Equal(["ecs.amazonaws.com"], target.Context.Values("iam:AWSServiceName"));
    }

    [Fact]
    public void AssumeRole_is_authorized_against_the_role()
    {
        var target = Describe("sts", "AssumeRole", """{"RoleArn":"arn:aws:iam::000000000000:role/deployer","RoleSessionName":"ci"}""");

        Assert.Equal("sts:AssumeRole", target.Action);
        Assert.Equal([new RequestedResource("arn:aws:iam::000000000000:role/deployer", "role", true)], target.Resources);
    }

    [Theory]
    [InlineData("GetCallerIdentity")]
    [InlineData("GetSessionToken")]
    public void Sts_operations_every_caller_may_use_need_no_authorization(string operation)
    {
        Assert.False(Describe("sts", operation, "{}").RequiresAuthorization);
    }

    [Fact]
    public void Parameters_drop_their_leading_slash_in_the_arn()
    {
        Assert.Equal(["arn:aws:ssm:us-east-1:000000000000:parameter/app/db/password"], Arns(Describe("ssm", "GetParameter", """{"Name":"/app/db/password"}""")));
        Assert.Equal(["arn:aws:ssm:us-east-1:000000000000:parameter/a", "arn:aws:ssm:us-east-1:000000000000:parameter/b"],
            Arns(Describe("ssm", "GetParameters", """{"Names":["a","/b"]}""")));
        Assert.Equal(["arn:aws:ssm:us-east-1:000000000000:parameter/app"],
            Arns(Describe("ssm", "AddTagsToResource", """{"ResourceType":"Parameter","ResourceId":"/app","Tags":[]}""")));
    }

    [Fact]
    public void Secret_named_by_name_has_an_unknown_suffix_and_by_arn_is_exact()
    {
        const string arn = "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf";

        Assert.Equal([new RequestedResource("arn:aws:secretsmanager:us-east-1:000000000000:secret:db-??????", "Secret", false)],
            Describe("secretsmanager", "GetSecretValue", """{"SecretId":"db"}""").Resources);
        Assert.Equal([new RequestedResource(arn, "Secret", true)], Describe("secretsmanager", "GetSecretValue", $$"""{"SecretId":"{{arn}}"}""").Resources);
    }

    private static AuthorizationTarget Describe(string service, string operation, string json)
    {
        Assert.True(ActionCatalogue.TryDescribe(service, operation, JsonDocument.Parse(json).RootElement, Scope, out var target));
        return target;
    }

    private static IEnumerable<string> Arns(AuthorizationTarget target) => target.Resources.Select(r => r.Arn);
}
