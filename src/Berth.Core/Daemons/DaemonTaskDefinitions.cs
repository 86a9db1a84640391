using System.Text.Json;
using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.TaskDefinitions;

namespace Berth.Core.Daemons;

/// <summary>
/// Daemon task definitions are task definitions with fewer members: no network mode, port mappings, links or placement
/// constraints. Berth checks and runs one as the task definition it stands for (<see cref="AsTaskRequest"/>), so a
/// daemon task definition is validated by <see cref="TaskDefinitionValidator"/> with ECS's words and runs on the agent
/// like any task, in bridge mode (the mode an EC2 task definition gets without one).
/// </summary>
public static class DaemonTaskDefinitions
{
    public const string Active = "ACTIVE";
    public const string DeleteInProgress = "DELETE_IN_PROGRESS";

    /// <summary>The task definition request a daemon one stands for, its sizes normalized; validated with ECS's task definition rules.</summary>
    public static RegisterTaskDefinitionRequest Validate(RegisterDaemonTaskDefinitionRequest request)
    {
        var normalized = TaskDefinitionBuilder.Normalize(AsTaskRequest(request));
        TaskDefinitionValidator.Validate(normalized);
        return normalized;
    }

    /// <summary>The revision as ECS answers it: the request's containers and volumes as given, cpu and memory in units and MiB.</summary>
    public static DaemonTaskDefinition Build(
        RegisterDaemonTaskDefinitionRequest request, RegisterTaskDefinitionRequest validated, ResourceScope scope, int revision,
        DateTimeOffset now, string registeredBy) => new()
        {
            DaemonTaskDefinitionArn = DaemonArns.TaskDefinition(scope, request.Family!, revision),
            Family = request.Family,
            Revision = revision,
            TaskRoleArn = request.TaskRoleArn,
            ExecutionRoleArn = request.ExecutionRoleArn,
            ContainerDefinitions = request.ContainerDefinitions,
            Volumes = request.Volumes ?? [],
            Cpu = validated.Cpu,
            Memory = validated.Memory,
            Status = Active,
            RegisteredAt = now,
            RegisteredBy = registeredBy,
        };

    /// <summary>
    /// The task definition a daemon task runs: built as RegisterTaskDefinition builds one (container defaults and all),
    /// under the daemon task definition's own ARN, which is what the task's taskDefinitionArn shows.
    /// </summary>
    public static TaskDefinition AsTaskDefinition(DaemonTaskDefinition definition)
    {
        var scope = EcsArn.TryParse(definition.DaemonTaskDefinitionArn, out var arn) ? arn.Scope : throw new InvalidDataException(definition.DaemonTaskDefinitionArn);
        var request = AsTaskRequest(new RegisterDaemonTaskDefinitionRequest
        {
            Family = definition.Family,
            TaskRoleArn = definition.TaskRoleArn,
            ExecutionRoleArn = definition.ExecutionRoleArn,
            ContainerDefinitions = definition.ContainerDefinitions,
            Cpu = definition.Cpu,
            Memory = definition.Memory,
            Volumes = definition.Volumes,
        });
        var built = TaskDefinitionBuilder.Build(request, scope, definition.Revision ?? 1, definition.RegisteredAt ?? DateTimeOffset.UnixEpoch, definition.RegisteredBy ?? "");
        return built with { TaskDefinitionArn = definition.DaemonTaskDefinitionArn };
    }

    /// <summary>The images a revision runs, as DaemonRevision's containerImages lists them (no digest: Berth learns it only when an agent pulls).</summary>
    public static IReadOnlyList<DaemonContainerImage> ImagesOf(DaemonTaskDefinition definition) =>
        [.. (definition.ContainerDefinitions ?? []).Select(c => new DaemonContainerImage { ContainerName = c.Name, Image = c.Image })];

    private static RegisterTaskDefinitionRequest AsTaskRequest(RegisterDaemonTaskDefinitionRequest request) => new()
    {
        Family = request.Family,
        TaskRoleArn = request.TaskRoleArn,
        ExecutionRoleArn = request.ExecutionRoleArn,
        ContainerDefinitions = request.ContainerDefinitions?.Select(AsContainer).ToList(),
        Cpu = request.Cpu,
        Memory = request.Memory,
        Volumes = request.Volumes?.Select(v => new Volume { Name = v.Name, Host = v.Host }).ToList(),
        Tags = request.Tags,
    };

    /// <summary>
    /// A daemon container definition's members are a subset of a container definition's, under the same names and
    /// shapes (DaemonLinuxParameters is a subset of LinuxParameters), so the wire JSON of one reads as the other.
    /// </summary>
    private static ContainerDefinition AsContainer(DaemonContainerDefinition container) =>
        JsonSerializer.Deserialize(
            JsonSerializer.SerializeToUtf8Bytes(container, EcsJsonContext.Default.DaemonContainerDefinition),
            EcsJsonContext.Default.ContainerDefinition)!;
}
