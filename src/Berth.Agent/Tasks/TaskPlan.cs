using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Networking;

namespace Berth.Agent.Tasks;

/// <summary>One ordering edge: <see cref="Container"/> must reach <see cref="Condition"/> first.</summary>
internal sealed record Dependency(string Container, string Condition)
{
    public const string Start = "START";
    public const string Complete = "COMPLETE";
    public const string Success = "SUCCESS";
    public const string Healthy = "HEALTHY";

    /// <summary>Implicit, from volumesFrom: the source container must exist before the dependent is created.</summary>
    public const string Create = "CREATE";
}

/// <summary>A container of the task as it will run: overrides applied, dependencies explicit and implicit.</summary>
internal sealed record PlannedContainer(string Name, ContainerDefinition Definition, bool Essential, IReadOnlyList<Dependency> DependsOn);

/// <summary>
/// What a task assignment means for this instance, decided once and without I/O: the effective container
/// definitions (task overrides applied, as ECS does for RunTask overrides), the dependency graph (dependsOn
/// plus the implicit edges of links and volumesFrom, as the ECS agent's dependency graph adds them) and the
/// reason the task cannot run here at all, if there is one.
/// </summary>
internal sealed record TaskPlan(IReadOnlyList<PlannedContainer> Containers, string? Failure)
{
    private static readonly HashSet<string> Conditions = [Dependency.Start, Dependency.Complete, Dependency.Success, Dependency.Healthy];

    public PlannedContainer? Find(string name) => Containers.FirstOrDefault(c => c.Name == name);

    public static TaskPlan Build(TaskAssignment assignment, bool allowPrivileged)
    {
        var definitions = assignment.TaskDefinition.ContainerDefinitions ?? [];
        var overrides = assignment.Task.Overrides?.ContainerOverrides ?? [];
        var containers = new List<PlannedContainer>();
        foreach (var definition in definitions)
        {
            var name = definition.Name ?? "";
            var effective = Apply(definition, overrides.FirstOrDefault(o => o.Name == name));
            var dependsOn = new List<Dependency>();
            foreach (var d in definition.DependsOn ?? [])
            {
                dependsOn.Add(new Dependency(d.ContainerName ?? "", d.Condition ?? ""));
            }
            foreach (var link in definition.Links ?? [])
            {
                var target = ParseLink(link).Container;
                if (!dependsOn.Any(d => d.Container == target))
                {
                    dependsOn.Add(new Dependency(target, Dependency.Start));
                }
            }
            foreach (var from in definition.VolumesFrom ?? [])
            {
                var source = from.SourceContainer ?? "";
                if (!dependsOn.Any(d => d.Container == source))
                {
                    dependsOn.Add(new Dependency(source, Dependency.Create));
                }
            }
            containers.Add(new PlannedContainer(name, effective, definition.Essential ?? true, dependsOn));
        }
        var failure = assignment.TaskDefinition.NetworkMode == AwsvpcRules.NetworkMode && assignment.Network is null
            ? "ResourceInitializationError: the task uses awsvpc but the server sent no network interface (its subnet or security groups no longer exist)"
            : Validate(assignment.TaskDefinition, containers, allowPrivileged);
        return new TaskPlan(containers, failure);
    }

    /// <summary>ContainerOverride: command replaces, environment merges by name, cpu and memory replace.</summary>
    public static ContainerDefinition Apply(ContainerDefinition definition, ContainerOverride? over)
    {
        if (over is null)
        {
            return definition;
        }
        var environment = (definition.Environment ?? []).ToList();
        foreach (var variable in over.Environment ?? [])
        {
            environment.RemoveAll(e => e.Name == variable.Name);
            environment.Add(variable);
        }
        return definition with
        {
            Command = over.Command ?? definition.Command,
            Environment = environment,
            EnvironmentFiles = [.. definition.EnvironmentFiles ?? [], .. over.EnvironmentFiles ?? []],
            Cpu = over.Cpu ?? definition.Cpu,
            Memory = over.Memory ?? definition.Memory,
            MemoryReservation = over.MemoryReservation ?? definition.MemoryReservation,
        };
    }

    /// <summary>"name:alias" or "name".</summary>
    public static (string Container, string Alias) ParseLink(string link)
    {
        var colon = link.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (link, link) : (link[..colon], link[(colon + 1)..]);
    }

    /// <summary>Containers in an order where every container comes after all it depends on (the plan is acyclic).</summary>
    public IReadOnlyList<PlannedContainer> StartOrder()
    {
        var done = new HashSet<string>();
        var order = new List<PlannedContainer>();
        while (order.Count < Containers.Count)
        {
            var next = Containers.Where(c => !done.Contains(c.Name) && c.DependsOn.All(d => done.Contains(d.Container))).ToList();
            if (next.Count == 0)
            {
                break;
            }
            foreach (var c in next)
            {
                done.Add(c.Name);
                order.Add(c);
            }
        }
        return order;
    }

    private static string? Validate(TaskDefinition taskDefinition, List<PlannedContainer> containers, bool allowPrivileged)
    {
        if (containers.Count == 0)
        {
            return "Task failed to start: the task definition has no containers";
        }
        if (!containers.Any(c => c.Essential))
        {
            return "Task failed to start: the task definition has no essential container";
        }
        var names = containers.Select(c => c.Name).ToHashSet();
        var volumes = (taskDefinition.Volumes ?? []).Where(v => v.Name is not null).ToDictionary(v => v.Name!);
        foreach (var c in containers)
        {
            var d = c.Definition;
            if (string.IsNullOrEmpty(d.Image))
            {
                return $"CannotCreateContainerError: container '{c.Name}' has no image";
            }
            if (d.Privileged == true && !allowPrivileged)
            {
                return $"CannotCreateContainerError: container '{c.Name}' asks for privileged mode, which this container instance does not allow (agent option AllowPrivileged is off)";
            }
            if (d.EnvironmentFiles is { Count: > 0 })
            {
                return $"ResourceInitializationError: failed to download env files: container '{c.Name}' uses environmentFiles, which Berth does not support yet";
            }
            foreach (var dependency in c.DependsOn)
            {
                if (!names.Contains(dependency.Container) || dependency.Container == c.Name)
                {
                    return $"Task failed to start: container '{c.Name}' depends on unknown container '{dependency.Container}'";
                }
                if (dependency.Condition != Dependency.Create && !Conditions.Contains(dependency.Condition))
                {
                    return $"Task failed to start: container '{c.Name}' has unknown dependency condition '{dependency.Condition}'";
                }
                if (dependency.Condition == Dependency.Healthy && containers.First(o => o.Name == dependency.Container).Definition.HealthCheck?.Command is not { Count: > 0 })
                {
                    return $"Task failed to start: dependency condition HEALTHY of container '{c.Name}' can never be met: container '{dependency.Container}' has no health check";
                }
            }
            foreach (var mount in d.MountPoints ?? [])
            {
                if (mount.SourceVolume is null || !volumes.TryGetValue(mount.SourceVolume, out var volume))
                {
                    return $"Task failed to start: container '{c.Name}' mounts unknown volume '{mount.SourceVolume}'";
                }
                if (volume.EfsVolumeConfiguration is not null || volume.FsxWindowsFileServerVolumeConfiguration is not null || volume.S3filesVolumeConfiguration is not null)
                {
                    return $"ResourceInitializationError: volume '{volume.Name}' needs a storage service Berth does not provide yet";
                }
                if (string.IsNullOrEmpty(mount.ContainerPath))
                {
                    return $"Task failed to start: a mount point of container '{c.Name}' has no containerPath";
                }
            }
        }
        var plan = new TaskPlan(containers, null);
        if (plan.StartOrder().Count < containers.Count)
        {
            return "Task failed to start: the containers' dependencies form a cycle";
        }
        return null;
    }
}
