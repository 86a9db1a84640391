using System.Globalization;
using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Placement;

namespace Berth.Core.Tasks;

/// <summary>Builds new tasks and works out what they reserve on an instance.</summary>
public static class EcsTaskFactory
{
    /// <summary>
    /// ECS reserves the task-level cpu/memory when the definition (or an override) sets them, else the sum of
    /// the containers' cpu and of their memory (the soft reservation where one is set, as ECS does).
    /// Host ports are reserved only where they are fixed: bridge mappings with a hostPort, and host mode. An
    /// awsvpc task listens on its own address, so its ports take nothing from the instance.
    /// </summary>
    public static ResourceSet Needs(TaskDefinition definition, TaskOverride? overrides)
    {
        var containers = definition.ContainerDefinitions ?? [];
        var cpu = Parse(overrides?.Cpu ?? definition.Cpu)
            ?? containers.Sum(c => OverrideOf(overrides, c.Name)?.Cpu ?? c.Cpu ?? 0);
        var memory = Parse(overrides?.Memory ?? definition.Memory)
            ?? containers.Sum(c =>
            {
                var o = OverrideOf(overrides, c.Name);
                return o?.MemoryReservation ?? c.MemoryReservation ?? o?.Memory ?? c.Memory ?? 0;
            });
        var hostMode = definition.NetworkMode == "host";
        var tcp = new HashSet<int>();
        var udp = new HashSet<int>();
        var ownAddress = definition.NetworkMode == Networking.AwsvpcRules.NetworkMode;
        foreach (var mapping in ownAddress ? [] : containers.SelectMany(c => c.PortMappings ?? []))
        {
            var hostPort = hostMode ? mapping.ContainerPort : mapping.HostPort;
            if (hostPort is > 0)
            {
                (mapping.Protocol == "udp" ? udp : tcp).Add(hostPort.Value);
            }
        }
        return new ResourceSet(cpu, memory, tcp, udp);
    }

    /// <summary>Every override must name a container of the definition, as ECS checks.</summary>
    public static void ValidateOverrides(TaskDefinition definition, TaskOverride? overrides)
    {
        var names = (definition.ContainerDefinitions ?? []).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var container in overrides?.ContainerOverrides ?? [])
        {
            if (container.Name is null || !names.Contains(container.Name))
            {
                throw new InvalidParameterException($"Override for container named {container.Name} is not a container in the TaskDefinition.");
            }
            if (container.Memory is <= 0 || container.MemoryReservation is <= 0 || container.Cpu is < 0)
            {
                throw new InvalidParameterException($"Invalid resource override for container {container.Name}.");
            }
        }
        _ = Parse(overrides?.Cpu);
        _ = Parse(overrides?.Memory);
    }

    /// <summary>
    /// A new task as RunTask returns it: placed, PENDING, desired RUNNING, each container PENDING; a Fargate task also
    /// reports its platform (1.4.0, Linux) and ephemeral storage, as ECS does.
    /// </summary>
    public static EcsTask Create(
        TaskLaunch launch, ResourceScope scope, string clusterName, string taskId, string containerInstanceArn,
        string? availabilityZone, DateTimeOffset now)
    {
        var definition = launch.Definition;
        var taskArn = scope.TaskArn(clusterName, taskId);
        return new EcsTask
        {
            TaskArn = taskArn,
            ClusterArn = scope.ClusterArn(clusterName),
            TaskDefinitionArn = definition.TaskDefinitionArn,
            ContainerInstanceArn = containerInstanceArn,
            AvailabilityZone = availabilityZone,
            LaunchType = launch.LaunchType,
            CapacityProviderName = launch.CapacityProviderName,
            PlatformVersion = launch.PlatformVersion,
            PlatformFamily = launch.IsFargate ? Capacity.FargateRules.PlatformFamily : null,
            EphemeralStorage = launch.IsFargate ? Capacity.FargateRules.EphemeralStorageOf(definition, launch.Overrides) : null,
            LastStatus = TaskStatuses.Pending,
            DesiredStatus = TaskStatuses.Running,
            Cpu = launch.Overrides?.Cpu ?? definition.Cpu,
            Memory = launch.Overrides?.Memory ?? definition.Memory,
            Group = launch.Group,
            StartedBy = launch.StartedBy,
            Tags = launch.Tags,
            Overrides = new TaskOverride
            {
                ContainerOverrides = launch.Overrides?.ContainerOverrides
                    ?? (definition.ContainerDefinitions ?? []).Select(c => new ContainerOverride { Name = c.Name }).ToList(),
                InferenceAcceleratorOverrides = [],
                Cpu = launch.Overrides?.Cpu,
                Memory = launch.Overrides?.Memory,
                EphemeralStorage = launch.Overrides?.EphemeralStorage,
            },
            Containers = (definition.ContainerDefinitions ?? []).Select(c => NewContainer(c, launch, scope, clusterName, taskId, taskArn)).ToList(),
            Attachments = [],
            Attributes = [new EcsAttribute { Name = "ecs.cpu-architecture", Value = "x86_64" }],
            HealthStatus = "UNKNOWN",
            EnableExecuteCommand = launch.EnableExecuteCommand,
            CreatedAt = now,
            Version = 1,
        };
    }

    private static Container NewContainer(
        ContainerDefinition definition, TaskLaunch launch, ResourceScope scope, string clusterName, string taskId, string taskArn)
    {
        var o = OverrideOf(launch.Overrides, definition.Name);
        return new Container
        {
            ContainerArn = scope.ContainerArn(clusterName, taskId, Guid.NewGuid().ToString()),
            TaskArn = taskArn,
            Name = definition.Name,
            Image = definition.Image,
            LastStatus = TaskStatuses.Pending,
            NetworkBindings = [],
            NetworkInterfaces = [],
            HealthStatus = "UNKNOWN",
            Cpu = (o?.Cpu ?? definition.Cpu ?? 0).ToString(CultureInfo.InvariantCulture),
            Memory = (o?.Memory ?? definition.Memory)?.ToString(CultureInfo.InvariantCulture),
            MemoryReservation = (o?.MemoryReservation ?? definition.MemoryReservation)?.ToString(CultureInfo.InvariantCulture),
            ManagedAgents = launch.EnableExecuteCommand ? ExecuteCommandAgent.Pending : null,
        };
    }

    private static ContainerOverride? OverrideOf(TaskOverride? overrides, string? name) =>
        overrides?.ContainerOverrides?.FirstOrDefault(o => o.Name == name);

    private static int? Parse(string? size) =>
        size is null ? null
        : int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value
        : throw new InvalidParameterException($"Invalid task size '{size}'.");
}
