using Berth.Core.Identity.Authorization;
using Berth.Core.Identity.Policies;

namespace Berth.Core.Tests.Identity.Policies;

public class AwsManagedPoliciesTests
{
    private static readonly AuthorizationPrincipal Role = new("arn:aws:sts::000000000000:assumed-role/web/task", "000000000000",
        PrincipalKind.AssumedRole, RoleArn: "arn:aws:iam::000000000000:role/web");

    [Fact]
    public void Policies_have_their_aws_arns()
    {
        Assert.Equal(
        [
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::aws:policy/AmazonECS_FullAccess",
            "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        ], AwsManagedPolicies.All.Select(p => p.Arn));
        Assert.Same(AwsManagedPolicies.AmazonECSTaskExecutionRolePolicy,
            AwsManagedPolicies.Find("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"));
        Assert.Null(AwsManagedPolicies.Find("arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy"));
    }

    [Fact]
    public void Every_document_is_a_valid_identity_policy()
    {
        Assert.All(AwsManagedPolicies.All, p => Assert.NotEmpty(p.Parse().Statements));
    }

    [Fact]
    public void AdministratorAccess_allows_everything()
    {
        Assert.True(Allows(AwsManagedPolicies.AdministratorAccess, "iam:CreateUser", "arn:aws:iam::000000000000:user/bob"));
    }

    [Fact]
    public void Task_execution_role_policy_pulls_images_and_writes_logs_and_nothing_else()
    {
        var policy = AwsManagedPolicies.AmazonECSTaskExecutionRolePolicy;

        Assert.True(Allows(policy, "ecr:GetAuthorizationToken", "*"));
        Assert.True(Allows(policy, "logs:PutLogEvents", "arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web:log-stream:ecs/web/1"));
        Assert.False(Allows(policy, "ecs:RunTask", "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1"));
        Assert.False(Allows(policy, "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf"));
    }

    [Fact]
    public void Ecs_full_access_passes_roles_only_to_ecs_tasks()
    {
        var policy = AwsManagedPolicies.AmazonECSFullAccess;
        var toTasks = RequestContext.Empty.With("iam:PassedToService", "ecs-tasks.amazonaws.com");
        var toLambda = RequestContext.Empty.With("iam:PassedToService", "lambda.amazonaws.com");

        Assert.True(Allows(policy, "ecs:RunTask", "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1"));
        Assert.True(Allows(policy, "iam:PassRole", "arn:aws:iam::000000000000:role/web-task", toTasks));
        Assert.False(Allows(policy, "iam:PassRole", "arn:aws:iam::000000000000:role/web-task", toLambda));
        Assert.True(Allows(policy, "ssm:GetParameter", "arn:aws:ssm:us-east-1:000000000000:parameter/aws/service/ecs/optimized-ami"));
        Assert.False(Allows(policy, "ssm:GetParameter", "arn:aws:ssm:us-east-1:000000000000:parameter/app/db"));
    }

    [Fact]
    public void Read_only_access_reads_but_does_not_write()
    {
        var policy = AwsManagedPolicies.ReadOnlyAccess;

        Assert.True(Allows(policy, "ecs:DescribeClusters", "arn:aws:ecs:us-east-1:000000000000:cluster/prod"));
        Assert.True(Allows(policy, "logs:GetLogEvents", "*"));
        Assert.True(Allows(policy, "sts:GetCallerIdentity", "*"));
        Assert.False(Allows(policy, "ecs:RunTask", "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1"));
        Assert.False(Allows(policy, "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf"));
    }

    private static bool Allows(AwsManagedPolicy policy, string action, string resource, RequestContext? context = null) =>
        PolicyEvaluator.Evaluate(new AuthorizationRequest(Role, action, resource, context ?? RequestContext.Empty, [policy.Parse()])).IsAllowed;
}
