using Berth.Core.Arns;
using Berth.Core.Ecs;

namespace Berth.Core.TaskDefinitions;

/// <summary>
/// Turns a RegisterTaskDefinition request into the revision ECS would return: task cpu/memory in units
/// and MiB, container defaults filled in (cpu 0, essential true, empty environment/mountPoints/volumesFrom,
/// tcp port mappings with host ports set where the network mode fixes them) and the launch types the
/// definition is compatible with.
/// </summary>
public static class TaskDefinitionBuilder
{
    /// <summary>Normalizes the request's task-level sizes; validation runs on the result.</summary>
    public static RegisterTaskDefinitionRequest Normalize(RegisterTaskDefinitionRequest request) => request with
    {
        Cpu = TaskSize.NormalizeCpu(request.Cpu),
        Memory = TaskSize.NormalizeMemory(request.Memory),
    };

    public static TaskDefinition Build(
        RegisterTaskDefinitionRequest request, ResourceScope scope, int revision, DateTimeOffset now, string registeredBy)
    {
        var networkMode = request.NetworkMode ?? "bridge";
        return new TaskDefinition
        {
            TaskDefinitionArn = scope.TaskDefinitionArn(request.Family!, revision),
            Family = request.Family,
            Revision = revision,
            Status = "ACTIVE",
            ContainerDefinitions = request.ContainerDefinitions!.Select(c => WithDefaults(c, networkMode)).ToList(),
            TaskRoleArn = request.TaskRoleArn,
            ExecutionRoleArn = request.ExecutionRoleArn,
            NetworkMode = request.NetworkMode,
            Volumes = request.Volumes ?? [],
            PlacementConstraints = request.PlacementConstraints ?? [],
            RequiresCompatibilities = request.RequiresCompatibilities,
            Compatibilities = Compatibilities(request, networkMode),
            RequiresAttributes = RequiredAttributes(request, networkMode),
            Cpu = request.Cpu,
            Memory = request.Memory,
            PidMode = request.PidMode,
            IpcMode = request.IpcMode,
            ProxyConfiguration = request.ProxyConfiguration,
            InferenceAccelerators = request.InferenceAccelerators,
            EphemeralStorage = request.EphemeralStorage,
            RuntimePlatform = request.RuntimePlatform,
            EnableFaultInjection = request.EnableFaultInjection,
            RegisteredAt = now,
            RegisteredBy = registeredBy,
        };
    }

    private static ContainerDefinition WithDefaults(ContainerDefinition container, string networkMode) => container with
    {
        Cpu = container.Cpu ?? 0,
        Essential = container.Essential ?? true,
        PortMappings = (container.PortMappings ?? []).Select(p => p with
        {
            Protocol = p.Protocol ?? "tcp",
            // In awsvpc and host mode the container port is the host port; ECS fills it in.
            HostPort = networkMode is "awsvpc" or "host" ? p.ContainerPort : p.HostPort,
        }).ToList(),
        Environment = container.Environment ?? [],
        MountPoints = container.MountPoints ?? [],
        VolumesFrom = container.VolumesFrom ?? [],
        SystemControls = container.SystemControls ?? [],
    };

    /// <summary>
    /// EC2 runs every network mode; EXTERNAL (ECS Anywhere) has no awsvpc; FARGATE needs awsvpc and a
    /// supported task size, and no privileged containers or host paths.
    /// </summary>
    private static List<string> Compatibilities(RegisterTaskDefinitionRequest request, string networkMode)
    {
        var result = new List<string>();
        if (networkMode != "awsvpc")
        {
            result.Add("EXTERNAL");
        }
        result.Add("EC2");
        if (networkMode == "awsvpc"
            && int.TryParse(request.Cpu, out var cpu) && int.TryParse(request.Memory, out var memory)
            && FargateSizes.IsSupported(cpu, memory)
            && !request.ContainerDefinitions!.Any(c => c.Privileged == true)
            && request.Volumes?.Any(v => v.Host?.SourcePath is not null) != true
            && request.PidMode != "host" && request.IpcMode is null)
        {
            result.Add("FARGATE");
        }
        return result;
    }

    /// <summary>The agent capabilities a container instance must advertise to run this definition.</summary>
    private static List<EcsAttribute> RequiredAttributes(RegisterTaskDefinitionRequest request, string networkMode)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (networkMode == "awsvpc")
        {
            names.Add("ecs.capability.task-eni");
        }
        var containers = request.ContainerDefinitions!;
        if (containers.Any(c => c.HealthCheck is not null))
        {
            names.Add("ecs.capability.container-health-check");
        }
        if (containers.Any(c => c.DependsOn is { Count: > 0 }))
        {
            names.Add("ecs.capability.container-ordering");
        }
        foreach (var driver in containers.Select(c => c.LogConfiguration?.LogDriver).OfType<string>())
        {
            names.Add($"com.amazonaws.ecs.capability.logging-driver.{driver}");
        }
        if (request.TaskRoleArn is not null)
        {
            names.Add("com.amazonaws.ecs.capability.task-iam-role");
        }
        return names.Select(n => new EcsAttribute { Name = n }).ToList();
    }
}
