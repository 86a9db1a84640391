using System.Globalization;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.TaskDefinitions;

/// <summary>
/// The checks ECS makes in RegisterTaskDefinition, with ECS's error wording. Called with a request whose
/// task-level cpu/memory are already normalized to units and MiB.
/// </summary>
public static class TaskDefinitionValidator
{
    public const int MaxContainers = 10;

    public static void Validate(RegisterTaskDefinitionRequest request)
    {
        Require.Name(request.Family, "Family");
        Require.OneOf(request.NetworkMode, EcsEnums.NetworkMode, "networkMode");
        Require.OneOf(request.PidMode, EcsEnums.PidMode, "pidMode");
        Require.OneOf(request.IpcMode, EcsEnums.IpcMode, "ipcMode");
        foreach (var compatibility in request.RequiresCompatibilities ?? [])
        {
            Require.OneOf(compatibility, EcsEnums.Compatibility, "requiresCompatibilities");
        }
        TagRules.Validate(request.Tags);
        if (request.EphemeralStorage is { } storage)
        {
            Require.InRange(storage.SizeInGiB, 21, 200, "ephemeralStorage.sizeInGiB");
        }

        var containers = request.ContainerDefinitions ?? [];
        if (containers.Count == 0)
        {
            throw new ClientException("Container list cannot be empty.");
        }
        if (containers.Count > MaxContainers)
        {
            throw new ClientException($"Too many containers. A task definition can have at most {MaxContainers} containers.");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var container in containers)
        {
            if (string.IsNullOrEmpty(container.Name))
            {
                throw new ClientException("Container.name should not be null or empty.");
            }
            Require.Name(container.Name, "Container name");
            if (!names.Add(container.Name!))
            {
                throw new ClientException($"Duplicate container name found: {container.Name}.");
            }
        }
        if (!containers.Any(c => c.Essential ?? true))
        {
            throw new ClientException("A task definition must have at least one essential container.");
        }

        var volumeNames = ValidateVolumes(request.Volumes);
        var networkMode = request.NetworkMode ?? "bridge";
        foreach (var container in containers)
        {
            ContainerDefinitionValidator.Validate(container, request, networkMode, names, volumeNames);
        }
        if (request.RequiresCompatibilities?.Contains("FARGATE") == true)
        {
            ValidateFargate(request, networkMode);
        }
    }

    private static HashSet<string> ValidateVolumes(IReadOnlyList<Volume>? volumes)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var volume in volumes ?? [])
        {
            Require.Name(volume.Name, "Volume name");
            if (!names.Add(volume.Name!))
            {
                throw new ClientException($"Duplicate volume name found: {volume.Name}.");
            }
        }
        return names;
    }

    private static void ValidateFargate(RegisterTaskDefinitionRequest request, string networkMode)
    {
        if (networkMode != "awsvpc")
        {
            throw new ClientException("Fargate only supports network mode 'awsvpc'.");
        }
        if (request.Cpu is null)
        {
            throw new ClientException("Fargate requires that 'cpu' be defined at the task level.");
        }
        if (request.Memory is null)
        {
            throw new ClientException("Fargate requires that 'memory' be defined at the task level.");
        }
        var cpu = int.Parse(request.Cpu, CultureInfo.InvariantCulture);
        var memory = int.Parse(request.Memory, CultureInfo.InvariantCulture);
        if (!FargateSizes.IsSupported(cpu, memory))
        {
            throw new ClientException(
                $"No Fargate configuration exists for given values: {cpu} CPU, {memory} memory. See the Amazon ECS documentation for the valid values.");
        }
        if (request.ContainerDefinitions!.Any(c => c.Privileged == true))
        {
            throw new ClientException("Fargate does not support privileged containers.");
        }
        if (request.Volumes?.Any(v => v.Host?.SourcePath is not null) == true)
        {
            throw new ClientException("Fargate does not support host volumes with a sourcePath.");
        }
        if (request.PidMode == "host")
        {
            throw new ClientException("Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'.");
        }
        if (request.IpcMode is not null)
        {
            throw new ClientException("Tasks using the Fargate launch type do not support ipcMode.");
        }
        // Fargate's agent ships awslogs with the execution role's credentials only (it has no instance role to fall back on).
        if (string.IsNullOrEmpty(request.ExecutionRoleArn) && request.ContainerDefinitions!.Any(c => c.LogConfiguration?.LogDriver == "awslogs"))
        {
            throw new ClientException("Fargate requires task definition to have execution role ARN to support log driver awslogs.");
        }
    }
}
