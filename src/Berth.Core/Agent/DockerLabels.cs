namespace Berth.Core.Agent;

/// <summary>
/// Labels the agent puts on every container it creates. The com.amazonaws.ecs.* names are the ones the
/// ECS agent uses, so tools that read them keep working; <see cref="AgentNamespace"/> lets two agents share
/// one Docker engine without adopting each other's containers.
/// </summary>
public static class DockerLabels
{
    public const string TaskArn = "com.amazonaws.ecs.task-arn";
    public const string ContainerName = "com.amazonaws.ecs.container-name";
    public const string Cluster = "com.amazonaws.ecs.cluster";
    public const string TaskDefinitionFamily = "com.amazonaws.ecs.task-definition-family";
    public const string TaskDefinitionVersion = "com.amazonaws.ecs.task-definition-version";
    public const string AgentNamespace = "org.berth.agent";
}
