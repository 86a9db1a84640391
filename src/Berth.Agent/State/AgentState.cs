using System.Text.Json.Serialization;
using Berth.Core.Agent;
using Berth.Core.Ecs;

namespace Berth.Agent.State;

/// <summary>
/// The agent's state file: who the instance is and, per task, what the agent has done about it. Enough to
/// resume after a restart (even kill -9) without losing or restarting containers: the agent re-registers as
/// the same instance and re-adopts the containers named here (and any others carrying its labels).
/// Unknown members are skipped on read, so files written by an older agent (which kept each task's and container's
/// last reported status) still load.
/// </summary>
internal sealed record AgentStateDocument
{
    [JsonPropertyName("version")] public int Version { get; init; } = 1;
    [JsonPropertyName("instanceId")] public required string InstanceId { get; init; }
    [JsonPropertyName("containerInstanceArn")] public string? ContainerInstanceArn { get; init; }
    [JsonPropertyName("cluster")] public string? Cluster { get; init; }
    [JsonPropertyName("tasks")] public Dictionary<string, TaskRecord> Tasks { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Tasks the agent finished and cleaned up, with when: a late or stale assignment for one of them must
    /// never run it again. Pruned after a day.
    /// </summary>
    [JsonPropertyName("finishedTasks")] public Dictionary<string, DateTimeOffset> FinishedTasks { get; init; } = new(StringComparer.Ordinal);
}

internal sealed record TaskRecord
{
    [JsonPropertyName("assignment")] public required TaskAssignment Assignment { get; init; }
    [JsonPropertyName("knownStatus")] public required string KnownStatus { get; init; }
    [JsonPropertyName("stoppedReason")] public string? StoppedReason { get; init; }
    [JsonPropertyName("stopCode")] public string? StopCode { get; init; }
    [JsonPropertyName("stopDecided")] public bool StopDecided { get; init; }
    [JsonPropertyName("pullStartedAt")] public DateTimeOffset? PullStartedAt { get; init; }
    [JsonPropertyName("pullStoppedAt")] public DateTimeOffset? PullStoppedAt { get; init; }
    [JsonPropertyName("startedAt")] public DateTimeOffset? StartedAt { get; init; }
    [JsonPropertyName("executionStoppedAt")] public DateTimeOffset? ExecutionStoppedAt { get; init; }
    [JsonPropertyName("cleanedUp")] public bool CleanedUp { get; init; }
    [JsonPropertyName("containers")] public required IReadOnlyList<ContainerRecord> Containers { get; init; }

    /// <summary>
    /// The id in the task's AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, which its containers keep across an agent restart.
    /// The credentials themselves are never saved: the first poll after the restart brings them again.
    /// </summary>
    [JsonPropertyName("credentialsId")] public string? CredentialsId { get; init; }

    /// <summary>A host-mode task's AWS_CONTAINER_AUTHORIZATION_TOKEN, which its containers keep across an agent restart too.</summary>
    [JsonPropertyName("credentialsToken")] public string? CredentialsToken { get; init; }
}

internal sealed record ContainerRecord
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("runtimeId")] public string? RuntimeId { get; init; }
    [JsonPropertyName("dockerName")] public string? DockerName { get; init; }
    [JsonPropertyName("metadataToken")] public required string MetadataToken { get; init; }
    [JsonPropertyName("phase")] public required string Phase { get; init; }
    [JsonPropertyName("everStarted")] public bool EverStarted { get; init; }
    [JsonPropertyName("exitCode")] public int? ExitCode { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }

    /// <summary>Left out while 0, so state files of containers never restarted stay as older agents wrote them.</summary>
    [JsonPropertyName("restartCount"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int RestartCount { get; init; }
}

/// <summary>The state file's own types; <see cref="AgentStateContract"/> adds the ECS shapes it holds.</summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Metadata,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = new[] { typeof(EpochSecondsConverter) })]
[JsonSerializable(typeof(AgentStateDocument))]
internal sealed partial class AgentStateJsonContext : JsonSerializerContext;
