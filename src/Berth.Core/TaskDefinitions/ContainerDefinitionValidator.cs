using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.TaskDefinitions;

/// <summary>One container definition's checks, as RegisterTaskDefinition makes them.</summary>
internal static class ContainerDefinitionValidator
{
    public static void Validate(
        ContainerDefinition container,
        RegisterTaskDefinitionRequest task,
        string networkMode,
        IReadOnlySet<string> containerNames,
        IReadOnlySet<string> volumeNames)
    {
        var name = container.Name!;
        if (string.IsNullOrWhiteSpace(container.Image))
        {
            throw new ClientException("Container.image should not be null or empty.");
        }
        ValidateMemory(container, task, name);
        Require.InRange(container.StopTimeout, 0, 120, $"stopTimeout for container '{name}'");
        if (container.Cpu is < 0)
        {
            throw new ClientException($"Invalid 'cpu' setting for container '{name}'.");
        }
        ValidatePortMappings(container, networkMode, name);
        if (container.Links is { Count: > 0 } && networkMode != "bridge")
        {
            throw new ClientException($"Links are not supported when networkMode={networkMode}.");
        }
        foreach (var link in container.Links ?? [])
        {
            if (!containerNames.Contains(link.Split(':')[0]))
            {
                throw new ClientException($"Container '{name}' links to unknown container '{link}'.");
            }
        }
        foreach (var dependency in container.DependsOn ?? [])
        {
            if (dependency.ContainerName is null || !containerNames.Contains(dependency.ContainerName) || dependency.ContainerName == name)
            {
                throw new ClientException($"Container '{name}' depends on unknown container '{dependency.ContainerName}'.");
            }
            Require.OneOf(Require.NotBlank(dependency.Condition, "dependsOn.condition"), EcsEnums.ContainerCondition, "dependsOn.condition");
        }
        foreach (var mount in container.MountPoints ?? [])
        {
            if (mount.SourceVolume is null || !volumeNames.Contains(mount.SourceVolume))
            {
                throw new ClientException($"Invalid 'mountPoints' setting for container '{name}': unknown volume '{mount.SourceVolume}'.");
            }
            Require.NotBlank(mount.ContainerPath, $"mountPoints.containerPath for container '{name}'");
        }
        foreach (var source in container.VolumesFrom ?? [])
        {
            if (source.SourceContainer is null || !containerNames.Contains(source.SourceContainer))
            {
                throw new ClientException($"Invalid 'volumesFrom' setting for container '{name}': unknown container '{source.SourceContainer}'.");
            }
        }
        ValidateHealthCheck(container.HealthCheck, name);
        ValidateRestartPolicy(container.RestartPolicy, name);
        if (container.LogConfiguration is { } log)
        {
            Require.OneOf(Require.NotBlank(log.LogDriver, "logConfiguration.logDriver"), EcsEnums.LogDriver, "logConfiguration.logDriver");
        }
        ValidateSecrets(container.Secrets, task, "secrets");
        ValidateSecrets(container.LogConfiguration?.SecretOptions, task, "logConfiguration.secretOptions");
    }

    /// <summary>
    /// A secret needs both members, and ECS reads it with the task's execution role, so it refuses a definition
    /// without one in the words below (the ECS agent has no other credentials to read secrets with).
    /// </summary>
    private static void ValidateSecrets(IReadOnlyList<Secret>? secrets, RegisterTaskDefinitionRequest task, string member)
    {
        if (secrets is not { Count: > 0 })
        {
            return;
        }
        foreach (var secret in secrets)
        {
            Require.NotBlank(secret.Name, $"{member}.name");
            Require.NotBlank(secret.ValueFrom, $"{member}.valueFrom");
        }
        if (string.IsNullOrEmpty(task.ExecutionRoleArn))
        {
            throw new ClientException("When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.");
        }
    }

    private static void ValidateMemory(ContainerDefinition container, RegisterTaskDefinitionRequest task, string name)
    {
        if (container.Memory is <= 0 || container.MemoryReservation is <= 0)
        {
            throw new ClientException($"Invalid 'memory' setting for container '{name}'.");
        }
        // Docker refuses hard limits below 6 MiB; ECS enforces the same floor.
        if (container.Memory is < 6)
        {
            throw new ClientException($"Invalid 'memory' setting for container '{name}'. The minimum is 6 MiB.");
        }
        if (container.Memory is { } hard && container.MemoryReservation is { } soft && soft > hard)
        {
            throw new ClientException(
                $"Invalid 'memory' setting for container '{name}'. 'memoryReservation' must be less than or equal to 'memory'.");
        }
        if (task.Memory is null && container.Memory is null && container.MemoryReservation is null)
        {
            throw new ClientException(
                $"Invalid setting for container '{name}'. At least one of 'memory' or 'memoryReservation' must be specified.");
        }
    }

    private static void ValidatePortMappings(ContainerDefinition container, string networkMode, string name)
    {
        foreach (var mapping in container.PortMappings ?? [])
        {
            Require.OneOf(mapping.Protocol, EcsEnums.TransportProtocol, "portMappings.protocol");
            if (mapping.ContainerPortRange is not null)
            {
                throw new UnsupportedFeatureException($"containerPortRange is not supported by Berth (container '{name}').");
            }
            if (mapping.ContainerPort is not (>= 1 and <= 65535))
            {
                throw new ClientException($"Invalid 'containerPort' setting for container '{name}'.");
            }
            if (mapping.HostPort is < 0 or > 65535)
            {
                throw new ClientException($"Invalid 'hostPort' setting for container '{name}'.");
            }
            if (networkMode is "awsvpc" or "host" && mapping.HostPort is { } hostPort && hostPort != 0 && hostPort != mapping.ContainerPort)
            {
                throw new ClientException(
                    $"When networkMode={networkMode}, the host ports and container ports in port mappings must match.");
            }
            if (networkMode == "none")
            {
                throw new ClientException("Port mappings are not supported when networkMode=none.");
            }
        }
    }

    /// <summary>The API reference's limits: enabled is required, at most 50 ignored exit codes, a period of 60 to 1800 s.</summary>
    private static void ValidateRestartPolicy(ContainerRestartPolicy? policy, string name)
    {
        if (policy is null)
        {
            return;
        }
        Require.That(policy.Enabled is not null, $"restartPolicy.enabled for container '{name}' is required.");
        Require.That(policy.IgnoredExitCodes is not { Count: > RestartPolicy.MaxIgnoredExitCodes },
            $"restartPolicy.ignoredExitCodes for container '{name}' can list at most {RestartPolicy.MaxIgnoredExitCodes} exit codes.");
        Require.InRange(policy.RestartAttemptPeriod, RestartPolicy.MinAttemptPeriodSeconds, RestartPolicy.MaxAttemptPeriodSeconds,
            $"restartPolicy.restartAttemptPeriod for container '{name}'");
    }

    private static void ValidateHealthCheck(HealthCheck? check, string name)
    {
        if (check is null)
        {
            return;
        }
        if (check.Command is not { Count: > 0 })
        {
            throw new ClientException($"Invalid 'healthCheck' setting for container '{name}': command is required.");
        }
        Require.InRange(check.Interval, 5, 300, "healthCheck.interval");
        Require.InRange(check.Timeout, 2, 120, "healthCheck.timeout");
        Require.InRange(check.Retries, 1, 10, "healthCheck.retries");
        Require.InRange(check.StartPeriod, 0, 300, "healthCheck.startPeriod");
    }
}
