using Berth.Core.Arns;
using Berth.Core.Identity.Policies;

namespace Berth.Core.Agent;

/// <summary>
/// An agent as a principal: its container instance's ARN, which its access key names, and what it may do through
/// the AWS APIs. The agent protocol's routes check an agent caller themselves (its own instance and tasks).
/// </summary>
public static class AgentPrincipal
{
    /// <summary>
    /// After the ECS agent's AmazonEC2ContainerServiceforEC2Role: create its cluster, re-register (its own instance
    /// only, which RegisterContainerInstance checks), report its tasks' state through ECS's Submit* operations (its own
    /// tasks only, which they check) and ship its tasks' awslogs.
    /// </summary>
    public static readonly PolicyDocument Policy = Parse("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*","Action":[
          "ecs:CreateCluster","ecs:RegisterContainerInstance","ecs:DiscoverPollEndpoint",
          "ecs:SubmitTaskStateChange","ecs:SubmitContainerStateChange","ecs:SubmitAttachmentStateChanges",
          "logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents","logs:DescribeLogGroups"]}]}
        """);

    /// <summary>Whether the principal is an agent's: a container instance ARN.</summary>
    public static bool IsAgent(string principalArn) =>
        EcsArn.TryParse(principalArn, out var arn) && arn.ResourceType == "container-instance";

    private static PolicyDocument Parse(string json) =>
        PolicyDocument.TryParse(json, PolicyKind.Identity, out var document, out var error) ? document : throw new InvalidOperationException(error);
}
