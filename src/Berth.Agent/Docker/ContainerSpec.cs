using System.Globalization;
using Berth.Agent.Networking;
using Berth.Agent.Tasks;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Networking;
using Docker.DotNet.Models;
using DockerUlimit = Docker.DotNet.Models.Ulimit;

namespace Berth.Agent.Docker;

/// <summary>What a container's create call needs besides its definition: names and places decided at run time.</summary>
internal sealed record ContainerSpecContext
{
    public required EcsTask Task { get; init; }
    public required TaskDefinition TaskDefinition { get; init; }
    public required string Cluster { get; init; }
    public required string AgentNamespace { get; init; }
    public required string DockerName { get; init; }
    public string? MetadataUriV4 { get; init; }
    public string? MetadataUriV3 { get; init; }

    /// <summary>Where the task's role credentials are served, when it has a role.</summary>
    public ContainerCredentials? Credentials { get; init; }

    /// <summary>The pause container whose network namespace an awsvpc task's containers join.</summary>
    public string? NetworkSandboxId { get; init; }

    /// <summary>Docker names of the task's containers created so far, by container name (links, volumesFrom).</summary>
    public required IReadOnlyDictionary<string, string> DockerNames { get; init; }

    /// <summary>Bind source of each task volume: a host path or a Docker volume name.</summary>
    public required IReadOnlyDictionary<string, string> VolumeSources { get; init; }

    public required TimeSpan StopTimeout { get; init; }

    /// <summary>The container's resolved <c>secrets</c> and log <c>secretOptions</c>, from the assignment.</summary>
    public ContainerSecretValues? Secrets { get; init; }
}

/// <summary>
/// Turns an ECS container definition into a Docker create call, the way the ECS agent's
/// <c>dockerConfig</c>/<c>dockerHostConfig</c> do. Pure: no I/O, so every mapping is unit-tested.
/// </summary>
internal static class ContainerSpec
{
    private const long MiB = 1024 * 1024;

    /// <summary>The kernel's smallest CPU share; the ECS agent (≥ 1.2.0) passes 2 for a cpu of null, 0 or 1.</summary>
    public const long MinimumCpuShares = 2;

    /// <summary>Docker network mode of a task: bridge unless host, none or awsvpc (the namespace of its pause container).</summary>
    public static string NetworkModeOf(TaskDefinition definition, string? networkSandboxId = null) => definition.NetworkMode switch
    {
        "host" => "host",
        "none" => "none",
        AwsvpcRules.NetworkMode => $"container:{networkSandboxId ?? throw new InvalidOperationException("An awsvpc container needs its task's pause container.")}",
        _ => "bridge",
    };

    public static CreateContainerParameters Build(PlannedContainer container, ContainerSpecContext context)
    {
        var d = container.Definition;
        var networkMode = NetworkModeOf(context.TaskDefinition, context.NetworkSandboxId);
        var bridge = networkMode == "bridge";
        // Docker refuses exposed ports in another container's namespace; an awsvpc task listens on its own address.
        var ownNamespace = !networkMode.StartsWith("container:", StringComparison.Ordinal);

        var environment = new List<string>();
        foreach (var variable in d.Environment ?? [])
        {
            if (!string.IsNullOrEmpty(variable.Name))
            {
                environment.Add($"{variable.Name}={variable.Value}");
            }
        }
        foreach (var (name, value) in context.Secrets?.Environment ?? new Dictionary<string, string>())
        {
            environment.Add($"{name}={value}");
        }
        if (context.MetadataUriV4 is not null)
        {
            environment.Add($"ECS_CONTAINER_METADATA_URI_V4={context.MetadataUriV4}");
        }
        if (context.MetadataUriV3 is not null)
        {
            environment.Add($"ECS_CONTAINER_METADATA_URI={context.MetadataUriV3}");
        }
        if (context.Credentials?.RelativeUri is { } relative)
        {
            environment.Add($"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI={relative}");
        }
        if (context.Credentials is { FullUri: { } full, AuthorizationToken: { } token })
        {
            environment.Add($"AWS_CONTAINER_CREDENTIALS_FULL_URI={full}");
            environment.Add($"AWS_CONTAINER_AUTHORIZATION_TOKEN={token}");
        }
        environment.Add("AWS_EXECUTION_ENV=AWS_ECS_EC2");

        var labels = new Dictionary<string, string>();
        foreach (var (key, value) in d.DockerLabels ?? new Dictionary<string, string>())
        {
            labels[key] = value;
        }
        labels[DockerLabels.TaskArn] = context.Task.TaskArn ?? "";
        labels[DockerLabels.ContainerName] = container.Name;
        labels[DockerLabels.Cluster] = context.Cluster;
        labels[DockerLabels.TaskDefinitionFamily] = context.TaskDefinition.Family ?? "";
        labels[DockerLabels.TaskDefinitionVersion] = (context.TaskDefinition.Revision ?? 0).ToString(CultureInfo.InvariantCulture);
        labels[DockerLabels.AgentNamespace] = context.AgentNamespace;
        // The pause container a pooled namespace came from carries no task label: this one is how it is found again.
        labels.Remove(TaskSandbox.JoinsLabel);
        if (!ownNamespace && context.NetworkSandboxId is { } sandbox)
        {
            labels[TaskSandbox.JoinsLabel] = sandbox;
        }

        var exposed = new Dictionary<string, EmptyStruct>();
        var bindings = new Dictionary<string, IList<PortBinding>>();
        foreach (var mapping in d.PortMappings ?? [])
        {
            if (mapping.ContainerPort is not { } port)
            {
                continue;
            }
            var key = $"{port}/{mapping.Protocol ?? "tcp"}";
            if (ownNamespace)
            {
                exposed[key] = default;
            }
            if (bridge)
            {
                // hostPort 0 or absent: Docker picks an ephemeral port, as with ECS's dynamic port mapping.
                bindings[key] = [new PortBinding { HostPort = mapping.HostPort is > 0 and var h ? h.ToString(CultureInfo.InvariantCulture) : "" }];
            }
        }

        var binds = new List<string>();
        foreach (var mount in d.MountPoints ?? [])
        {
            var source = context.VolumeSources[mount.SourceVolume!];
            binds.Add(mount.ReadOnly == true ? $"{source}:{mount.ContainerPath}:ro" : $"{source}:{mount.ContainerPath}");
        }

        var linux = d.LinuxParameters;
        var host = new HostConfig
        {
            NetworkMode = networkMode,
            PortBindings = bindings,
            Links = bridge ? (d.Links ?? []).Select(link =>
            {
                var (target, alias) = TaskPlan.ParseLink(link);
                return $"{context.DockerNames[target]}:{alias}";
            }).ToList() : null,
            Binds = binds,
            VolumesFrom = (d.VolumesFrom ?? []).Select(v =>
                context.DockerNames[v.SourceContainer!] + (v.ReadOnly == true ? ":ro" : "")).ToList(),
            CPUShares = Math.Max(d.Cpu ?? 0, MinimumCpuShares),
            Memory = (d.Memory ?? 0) * MiB,
            MemoryReservation = (d.MemoryReservation ?? 0) * MiB,
            Privileged = d.Privileged == true,
            ReadonlyRootfs = d.ReadonlyRootFilesystem == true,
            Init = linux?.InitProcessEnabled == true ? true : null,
            Ulimits = (d.Ulimits ?? []).Select(u => new DockerUlimit { Name = u.Name ?? "", Soft = u.SoftLimit ?? 0, Hard = u.HardLimit ?? 0 }).ToList(),
            DNS = bridge ? d.DnsServers?.ToList() : null,
            DNSSearch = bridge ? d.DnsSearchDomains?.ToList() : null,
            ExtraHosts = bridge ? d.ExtraHosts?.Select(h => $"{h.Hostname}:{h.IpAddress}").ToList() : null,
            SecurityOpt = d.DockerSecurityOptions?.ToList(),
            Sysctls = d.SystemControls?.Where(s => s.Namespace is not null).ToDictionary(s => s.Namespace!, s => s.Value ?? ""),
            CapAdd = linux?.Capabilities?.Add?.ToList(),
            CapDrop = linux?.Capabilities?.Drop?.ToList(),
            Devices = linux?.Devices?.Select(device => new DeviceMapping
            {
                PathOnHost = device.HostPath ?? "",
                PathInContainer = device.ContainerPath ?? device.HostPath ?? "",
                CgroupPermissions = device.Permissions is { Count: > 0 } p
                    ? string.Concat(p.Select(x => x switch { "read" => "r", "write" => "w", "mknod" => "m", _ => "" }))
                    : "rwm",
            }).ToList(),
            ShmSize = (linux?.SharedMemorySize ?? 0) * MiB,
            Tmpfs = linux?.Tmpfs?.Where(t => t.ContainerPath is not null).ToDictionary(t => t.ContainerPath!, t =>
                string.Join(',', new[] { $"size={t.Size ?? 0}m" }.Concat(t.MountOptions ?? []))),
            MemorySwappiness = linux?.Swappiness,
            PidMode = context.TaskDefinition.PidMode == "host" ? "host" : "",
            IpcMode = context.TaskDefinition.IpcMode is "host" or "none" ? context.TaskDefinition.IpcMode : "",
            LogConfig = LogConfigOf(d.LogConfiguration, context.Secrets?.LogOptions)!,
        };
        if (linux?.MaxSwap is { } maxSwap && d.Memory is { } memory)
        {
            // ECS's maxSwap is the swap on top of memory; Docker's MemorySwap is memory plus swap.
            host.MemorySwap = (memory + maxSwap) * MiB;
        }

        return new CreateContainerParameters
        {
            Name = context.DockerName,
            Image = d.Image ?? "",
            Cmd = d.Command?.ToList(),
            Entrypoint = d.EntryPoint?.ToList(),
            Env = environment,
            Labels = labels,
            ExposedPorts = exposed,
            WorkingDir = d.WorkingDirectory ?? "",
            User = d.User ?? "",
            Hostname = bridge ? d.Hostname ?? "" : "",
            NetworkDisabled = d.DisableNetworking == true,
            OpenStdin = d.Interactive == true,
            Tty = d.PseudoTerminal == true,
            Healthcheck = HealthConfigOf(d.HealthCheck),
            StopTimeout = context.StopTimeout,
            HostConfig = host,
        };
    }

    /// <summary>ECS defaults: interval 30 s, timeout 5 s, retries 3, start period 0.</summary>
    public static HealthcheckConfig? HealthConfigOf(HealthCheck? check)
    {
        if (check?.Command is not { Count: > 0 } command)
        {
            return null;
        }
        var test = command[0] is "CMD" or "CMD-SHELL" or "NONE" ? command.ToList() : ["CMD-SHELL", string.Join(' ', command)];
        return new HealthcheckConfig
        {
            Test = test,
            Interval = TimeSpan.FromSeconds(check.Interval ?? 30),
            Timeout = TimeSpan.FromSeconds(check.Timeout ?? 5),
            Retries = check.Retries ?? 3,
            StartPeriod = TimeSpan.FromSeconds(check.StartPeriod ?? 0),
        };
    }

    /// <summary>
    /// awslogs would have Docker talk to CloudWatch Logs itself; until the agent ships logs to Berth's own
    /// log API, such containers log to json-file on the instance.
    /// </summary>
    /// <remarks>A driver's secretOptions join its options, as the ECS agent passes them; awslogs has no use for them here.</remarks>
    private static LogConfig? LogConfigOf(LogConfiguration? configuration, IReadOnlyDictionary<string, string>? secretOptions) => configuration?.LogDriver switch
    {
        null => null,
        "awslogs" => new LogConfig { Type = "json-file", Config = new Dictionary<string, string>() },
        var driver => new LogConfig
        {
            Type = driver,
            Config = (configuration.Options ?? new Dictionary<string, string>()).Concat(secretOptions ?? new Dictionary<string, string>())
                .ToDictionary(o => o.Key, o => o.Value),
        },
    };

    /// <summary>
    /// ECS's names for the Docker container: <c>ecs-&lt;family&gt;-&lt;revision&gt;-&lt;container&gt;-&lt;20 random hex&gt;</c>,
    /// reduced to the characters Docker accepts.
    /// </summary>
    public static string DockerNameFor(TaskDefinition definition, string containerName)
    {
        var raw = $"ecs-{definition.Family}-{definition.Revision ?? 0}-{containerName}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(10))}";
        return string.Concat(raw.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-' ? ch : '-'));
    }
}
