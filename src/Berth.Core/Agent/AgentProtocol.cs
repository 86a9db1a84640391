using System.Text.Json.Serialization;
using Berth.Core.Ecs;
using Berth.Core.Networking;

namespace Berth.Core.Agent;

// The agent protocol (docs/agent-protocol.md). An agent registers with the ECS API's own
// RegisterContainerInstance, then talks to these two endpoints on the server's API port:
//   POST /_berth/agent/v1/poll    long-poll for the instance's task assignments; doubles as the heartbeat
//   POST /_berth/agent/v1/reports tasks' and their containers' observed state, several tasks a request
// Desired state flows down (poll), known state flows up (report); the server never tells an agent how to
// run a container, only what should be running.

/// <summary>
/// Identity an agent puts in RegisterContainerInstance's <c>instanceIdentityDocument</c> (ECS carries the EC2
/// identity document there). <see cref="HostAddress"/> is where the instance's host ports are reachable.
/// </summary>
public sealed record AgentIdentity
{
    [JsonPropertyName("instanceId")] public required string InstanceId { get; init; }
    [JsonPropertyName("availabilityZone")] public required string AvailabilityZone { get; init; }
    [JsonPropertyName("hostAddress")] public required string HostAddress { get; init; }
}

public sealed record AgentPollRequest
{
    [JsonPropertyName("containerInstanceArn")] public required string ContainerInstanceArn { get; init; }

    /// <summary>The assignments version the agent last saw; the server answers at once when its own is newer.</summary>
    [JsonPropertyName("assignmentsVersion")] public long AssignmentsVersion { get; init; }

    /// <summary>How long the server may hold the request when nothing changed (at most 30 s).</summary>
    [JsonPropertyName("waitSeconds")] public int WaitSeconds { get; init; } = 20;

    /// <summary>
    /// Every address attached to Berth's subnet networks on the agent's Docker engine, whoever holds it; address
    /// leases skip the ones held by anything but their own task. Null when the agent did not look.
    /// </summary>
    [JsonPropertyName("attachedAddresses")] public IReadOnlyList<AttachedAddress>? AttachedAddresses { get; init; }

    /// <summary>
    /// The tasks that have a container on the agent's Docker engine (by Berth's task label), whoever made it: this
    /// agent, another agent namespace, an earlier Berth. The clean-up report names those the server does not know.
    /// Null when the agent did not look.
    /// </summary>
    [JsonPropertyName("engineTaskArns")] public IReadOnlyList<string>? EngineTaskArns { get; init; }
}

/// <summary>Every task the instance should know about, each with the desired status and its task definition.</summary>
public sealed record AgentPollResponse
{
    [JsonPropertyName("assignmentsVersion")] public long AssignmentsVersion { get; init; }
    [JsonPropertyName("tasks")] public required IReadOnlyList<TaskAssignment> Tasks { get; init; }

    /// <summary>
    /// ECS Exec sessions waiting for this instance's agent (docs/agent-protocol.md, "Exec sessions"): the agent opens
    /// each one's relay socket and runs its command in the task's container. Null when there are none.
    /// </summary>
    [JsonPropertyName("execSessions")] public IReadOnlyList<ExecSessionAssignment>? ExecSessions { get; init; }
}

/// <summary>One command ExecuteCommand accepted, for the agent of the task's instance to run.</summary>
public sealed record ExecSessionAssignment
{
    [JsonPropertyName("sessionId")] public required string SessionId { get; init; }
    [JsonPropertyName("taskArn")] public required string TaskArn { get; init; }
    [JsonPropertyName("containerName")] public required string ContainerName { get; init; }

    /// <summary>The words to run (ExecuteCommand's command, split as a shell would).</summary>
    [JsonPropertyName("command")] public required IReadOnlyList<string> Command { get; init; }
}

/// <summary>
/// One task for the agent. <see cref="Task"/> is the ECS task as DescribeTasks shows it (desiredStatus,
/// overrides, containers with their ARNs); <see cref="TaskDefinition"/> is the revision it runs.
/// A task the server no longer lists must not run on the instance.
/// </summary>
public sealed record TaskAssignment
{
    [JsonPropertyName("task")] public required EcsTask Task { get; init; }
    [JsonPropertyName("taskDefinition")] public required TaskDefinition TaskDefinition { get; init; }

    /// <summary>The task's ENI when it runs in awsvpc network mode.</summary>
    [JsonPropertyName("network")] public TaskNetworkAssignment? Network { get; init; }

    /// <summary>
    /// Temporary credentials of the task definition's taskRoleArn, which the agent serves to the task's containers
    /// (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI); null when the task has no role. Every poll carries the current ones:
    /// newer credentials replace older ones (rotation), and the agent never writes them to disk.
    /// </summary>
    [JsonPropertyName("roleCredentials")] public TaskRoleCredentials? RoleCredentials { get; init; }

    /// <summary>
    /// Temporary credentials of the task definition's executionRoleArn, with which the agent acts for the task (it signs
    /// the task's awslogs with them); null when the task has none. Rotated as <see cref="RoleCredentials"/>, never served
    /// to the task's containers and never written to disk.
    /// </summary>
    [JsonPropertyName("executionRoleCredentials")] public TaskRoleCredentials? ExecutionRoleCredentials { get; init; }

    /// <summary>
    /// The plaintext of the containers' <c>secrets</c> and log <c>secretOptions</c>, by container name, resolved by the
    /// server for this poll; null when the task has none. Like role credentials, the agent never writes them to disk.
    /// </summary>
    [JsonPropertyName("secrets")] public IReadOnlyDictionary<string, ContainerSecretValues>? Secrets { get; init; }
}

/// <summary>One container's resolved secrets: environment variables and log driver options, name → value.</summary>
public sealed record ContainerSecretValues
{
    [JsonPropertyName("environment")] public required IReadOnlyDictionary<string, string> Environment { get; init; }
    [JsonPropertyName("logOptions")] public required IReadOnlyDictionary<string, string> LogOptions { get; init; }

    /// <summary>Names only: an assignment that gets logged must not carry the values along.</summary>
    public override string ToString() =>
        $"{nameof(ContainerSecretValues)} {{ Environment = [{string.Join(", ", Environment.Keys)}], LogOptions = [{string.Join(", ", LogOptions.Keys)}] }}";
}

/// <summary>
/// A task role's temporary credentials, member names as the ECS agent's credentials endpoint answers them
/// (<c>{"RoleArn", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"}</c>); on this wire, as every timestamp of
/// the protocol, Expiration is in epoch seconds.
/// </summary>
public sealed record TaskRoleCredentials
{
    [JsonPropertyName("RoleArn")] public required string RoleArn { get; init; }
    [JsonPropertyName("AccessKeyId")] public required string AccessKeyId { get; init; }
    [JsonPropertyName("SecretAccessKey")] public required string SecretAccessKey { get; init; }
    [JsonPropertyName("Token")] public required string Token { get; init; }
    [JsonPropertyName("Expiration")] public required DateTimeOffset Expiration { get; init; }

    /// <summary>Names the role and key only: an assignment that gets logged must not carry the secret or the token along.</summary>
    public override string ToString() => $"{nameof(TaskRoleCredentials)} {{ RoleArn = {RoleArn}, AccessKeyId = {AccessKeyId}, Expiration = {Expiration:O} }}";
}

/// <summary>A task's observed state. Statuses only move forward; the server ignores a report that would move one back.</summary>
public sealed record AgentTaskReport
{
    [JsonPropertyName("containerInstanceArn")] public required string ContainerInstanceArn { get; init; }
    [JsonPropertyName("taskArn")] public required string TaskArn { get; init; }

    /// <summary>PENDING, RUNNING or STOPPED, derived by the agent from its containers.</summary>
    [JsonPropertyName("lastStatus")] public required string LastStatus { get; init; }

    [JsonPropertyName("stoppedReason")] public string? StoppedReason { get; init; }

    /// <summary>TaskFailedToStart or EssentialContainerExited when the agent decided the stop.</summary>
    [JsonPropertyName("stopCode")] public string? StopCode { get; init; }

    [JsonPropertyName("pullStartedAt")] public DateTimeOffset? PullStartedAt { get; init; }
    [JsonPropertyName("pullStoppedAt")] public DateTimeOffset? PullStoppedAt { get; init; }
    [JsonPropertyName("startedAt")] public DateTimeOffset? StartedAt { get; init; }
    [JsonPropertyName("executionStoppedAt")] public DateTimeOffset? ExecutionStoppedAt { get; init; }
    [JsonPropertyName("containers")] public required IReadOnlyList<ContainerReport> Containers { get; init; }
}

/// <summary>
/// The reports an agent has pending, sent together so the server applies them in one commit (docs/agent-protocol.md §3).
/// At most <see cref="MaxReports"/>, one per task.
/// </summary>
public sealed record AgentTaskReportBatch
{
    /// <summary>The most reports one request may carry: a bounded request, and a bounded commit on the server.</summary>
    public const int MaxReports = 100;

    [JsonPropertyName("reports")] public required IReadOnlyList<AgentTaskReport> Reports { get; init; }
}

/// <summary>The server's answer to each report of an <see cref="AgentTaskReportBatch"/>, in the batch's order.</summary>
public sealed record AgentTaskReportBatchResponse
{
    [JsonPropertyName("results")] public required IReadOnlyList<AgentTaskReportResult> Results { get; init; }
}

/// <summary>What became of one report. Every outcome is final: the agent drops the report (a newer one of the task is sent anew).</summary>
public sealed record AgentTaskReportResult
{
    /// <summary>The report was applied (a repeated or late one changes nothing and is applied too).</summary>
    public const string Applied = "applied";

    /// <summary>The task is not, or no longer, assigned to the report's instance: the agent stops tracking it.</summary>
    public const string NotFound = "notFound";

    /// <summary>The task belongs to another container instance, which this agent may not speak for.</summary>
    public const string NotOwn = "notOwn";

    [JsonPropertyName("taskArn")] public required string TaskArn { get; init; }

    /// <summary><see cref="Applied"/>, <see cref="NotFound"/> or <see cref="NotOwn"/>.</summary>
    [JsonPropertyName("outcome")] public required string Outcome { get; init; }
}

public sealed record ContainerReport
{
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary>The Docker container id.</summary>
    [JsonPropertyName("runtimeId")] public string? RuntimeId { get; init; }

    /// <summary>PENDING, RUNNING or STOPPED.</summary>
    [JsonPropertyName("lastStatus")] public required string LastStatus { get; init; }

    [JsonPropertyName("exitCode")] public int? ExitCode { get; init; }

    /// <summary>Why the container stopped or could not start, e.g. "CannotPullContainerError: …".</summary>
    [JsonPropertyName("reason")] public string? Reason { get; init; }

    [JsonPropertyName("networkBindings")] public IReadOnlyList<NetworkBinding>? NetworkBindings { get; init; }

    /// <summary>HEALTHY, UNHEALTHY or UNKNOWN (no health check, or not decided yet).</summary>
    [JsonPropertyName("healthStatus")] public string? HealthStatus { get; init; }

    [JsonPropertyName("imageDigest")] public string? ImageDigest { get; init; }
}

/// <summary>
/// Resource use of an instance's running tasks, sampled by the agent from Docker every few seconds. The server
/// turns samples into CloudWatch's per-minute CPUUtilization and MemoryUtilization (docs/agent-protocol.md §4).
/// </summary>
public sealed record AgentStatsReport
{
    [JsonPropertyName("containerInstanceArn")] public required string ContainerInstanceArn { get; init; }
    [JsonPropertyName("tasks")] public required IReadOnlyList<TaskStatsSample> Tasks { get; init; }
}

public sealed record TaskStatsSample
{
    [JsonPropertyName("taskArn")] public required string TaskArn { get; init; }

    /// <summary>When the sample was taken.</summary>
    [JsonPropertyName("timestamp")] public required DateTimeOffset Timestamp { get; init; }

    /// <summary>CPU used since the previous sample, in ECS CPU units (1024 = one core fully busy), summed over the task's containers.</summary>
    [JsonPropertyName("cpuUnits")] public required double CpuUnits { get; init; }

    /// <summary>Memory in use, MiB, summed over the task's containers (page cache excluded, as docker stats shows it).</summary>
    [JsonPropertyName("memoryMiB")] public required double MemoryMiB { get; init; }
}
