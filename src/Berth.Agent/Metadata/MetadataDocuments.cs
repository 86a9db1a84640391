using System.Globalization;
using System.Text.Json.Serialization;
using Berth.Agent.Tasks;
using Berth.Core.Tasks;

namespace Berth.Agent.Metadata;

/// <summary>
/// Task metadata endpoint v4 documents, with ECS's member names (PascalCase, as the ECS agent writes them;
/// ECS developer guide, "Task metadata endpoint version 4"). Times are RFC 3339 strings here, not epoch seconds.
/// </summary>
internal sealed record ContainerMetadata
{
    public string? DockerId { get; init; }
    public required string Name { get; init; }
    public string? DockerName { get; init; }
    public string? Image { get; init; }
    public string? ImageID { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public required string DesiredStatus { get; init; }
    public required string KnownStatus { get; init; }
    public int? ExitCode { get; init; }
    public required ContainerLimits Limits { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string Type { get; init; } = "NORMAL";
    public string? ContainerARN { get; init; }
    public string? LogDriver { get; init; }
    public IReadOnlyDictionary<string, string>? LogOptions { get; init; }
    public IReadOnlyList<NetworkMetadata>? Networks { get; init; }
    public IReadOnlyList<PortMetadata>? Ports { get; init; }
    public HealthMetadata? Health { get; init; }

    /// <summary>As ECS: present only for a container whose restartPolicy is enabled.</summary>
    public int? RestartCount { get; init; }
}

internal sealed record ContainerLimits
{
    public double? CPU { get; init; }
    public int? Memory { get; init; }
}

internal sealed record NetworkMetadata
{
    public required string NetworkMode { get; init; }
    public IReadOnlyList<string>? IPv4Addresses { get; init; }
}

internal sealed record PortMetadata
{
    public int? ContainerPort { get; init; }
    public string? Protocol { get; init; }
    public int? HostPort { get; init; }
    public string? HostIp { get; init; }
}

internal sealed record HealthMetadata
{
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("exitCode")] public int? ExitCode { get; init; }
    [JsonPropertyName("output")] public string? Output { get; init; }
}

internal sealed record TaskMetadata
{
    public required string Cluster { get; init; }
    public required string TaskARN { get; init; }
    public string? Family { get; init; }
    public string? Revision { get; init; }
    public required string DesiredStatus { get; init; }
    public required string KnownStatus { get; init; }
    public ContainerLimits? Limits { get; init; }
    public DateTimeOffset? PullStartedAt { get; init; }
    public DateTimeOffset? PullStoppedAt { get; init; }
    public DateTimeOffset? ExecutionStoppedAt { get; init; }
    public required string AvailabilityZone { get; init; }
    public string LaunchType { get; init; } = "EC2";
    public string? ServiceName { get; init; }
    public required IReadOnlyList<ContainerMetadata> Containers { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ContainerMetadata))]
[JsonSerializable(typeof(TaskMetadata))]
internal sealed partial class MetadataJsonContext : JsonSerializerContext;

/// <summary>Builds the documents from a task's published <see cref="TaskView"/>.</summary>
internal static class MetadataDocuments
{
    public static TaskMetadata Task(TaskView view, string cluster, string availabilityZone)
    {
        var task = view.Assignment.Task;
        var definition = view.Assignment.TaskDefinition;
        var cpu = task.Cpu ?? definition.Cpu;
        var memory = task.Memory ?? definition.Memory;
        return new TaskMetadata
        {
            Cluster = task.ClusterArn ?? cluster,
            TaskARN = task.TaskArn ?? "",
            Family = definition.Family,
            Revision = definition.Revision?.ToString(CultureInfo.InvariantCulture),
            DesiredStatus = view.DesiredStatus,
            KnownStatus = view.KnownStatus,
            // Task-level limits are in vCPU here (ECS writes "CPU": 0.25 for 256 units).
            Limits = cpu is null && memory is null ? null : new ContainerLimits
            {
                CPU = double.TryParse(cpu, CultureInfo.InvariantCulture, out var units) ? units / 1024 : null,
                Memory = int.TryParse(memory, CultureInfo.InvariantCulture, out var mib) ? mib : null,
            },
            PullStartedAt = view.PullStartedAt,
            PullStoppedAt = view.PullStoppedAt,
            ExecutionStoppedAt = view.ExecutionStoppedAt,
            AvailabilityZone = task.AvailabilityZone ?? availabilityZone,
            ServiceName = TaskGroups.ServiceNameOf(task.Group),
            Containers = view.Containers.Select(c => Container(view, c)).ToList(),
        };
    }

    public static ContainerMetadata Container(TaskView view, ContainerView c)
    {
        var o = c.Observation;
        var d = c.Definition;
        return new ContainerMetadata
        {
            DockerId = c.RuntimeId,
            Name = c.Name,
            DockerName = c.DockerName,
            Image = d.Image,
            ImageID = o?.ImageId,
            Labels = o?.Labels,
            DesiredStatus = view.DesiredStatus,
            KnownStatus = c.KnownStatus,
            ExitCode = c.KnownStatus == TaskStatuses.Stopped ? c.ExitCode : null,
            Limits = new ContainerLimits { CPU = d.Cpu ?? 0, Memory = d.Memory ?? 0 },
            CreatedAt = o?.CreatedAt,
            StartedAt = o?.StartedAt,
            FinishedAt = c.KnownStatus == TaskStatuses.Stopped ? o?.FinishedAt : null,
            ContainerARN = view.Assignment.Task.Containers?.FirstOrDefault(x => x.Name == c.Name)?.ContainerArn,
            RestartCount = d.RestartPolicy?.Enabled == true ? c.RestartCount : null,
            LogDriver = d.LogConfiguration?.LogDriver,
            LogOptions = d.LogConfiguration?.Options,
            Networks = o?.NetworkMode is { } mode
                ? [new NetworkMetadata { NetworkMode = mode == "default" ? "bridge" : mode, IPv4Addresses = o.IPv4Addresses.Count > 0 ? o.IPv4Addresses : null }]
                : null,
            Ports = c.NetworkBindings.Count == 0 ? null : c.NetworkBindings.Select(b => new PortMetadata
            {
                ContainerPort = b.ContainerPort,
                Protocol = b.Protocol,
                HostPort = b.HostPort,
                HostIp = b.BindIP,
            }).ToList(),
            Health = o?.HasHealthCheck == true
                ? new HealthMetadata { Status = c.Health, ExitCode = o.HealthExitCode, Output = o.HealthOutput }
                : null,
        };
    }
}
