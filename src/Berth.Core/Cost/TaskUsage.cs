using System.Text.Json.Serialization;
using Berth.Core.Ecs;

namespace Berth.Core.Cost;

/// <summary>
/// What one task reserved and for how long: the input of every cost figure. Kept as a record of its own so a task's
/// usage outlives the task, which is forgotten an hour after it stops (<see cref="Of"/> is taken before that).
/// </summary>
public sealed record TaskUsage
{
    public required string TaskArn { get; init; }

    public required string ClusterArn { get; init; }

    /// <summary>The service that started the task, or null for RunTask's tasks.</summary>
    public string? ServiceName { get; init; }

    /// <summary>FARGATE, FARGATE_SPOT or EC2 (<see cref="UsageCapacity"/>).</summary>
    public required string Capacity { get; init; }

    public required double Vcpu { get; init; }

    public required double MemoryGb { get; init; }

    /// <summary>When billing starts: the image pull's start, as on Fargate, or the start when no pull was reported.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Null while the task runs.</summary>
    public DateTimeOffset? StoppedAt { get; init; }

    public IReadOnlyList<Tag> Tags { get; init; } = [];

    /// <summary>The task ARN's region (<c>arn:aws:ecs:REGION:ACCOUNT:task/…</c>).</summary>
    [JsonIgnore]
    public string Region => TaskArn.Split(':')[3];

    [JsonIgnore]
    public string AccountId => TaskArn.Split(':')[4];

    [JsonIgnore]
    public string ClusterName => ClusterArn[(ClusterArn.IndexOf('/', StringComparison.Ordinal) + 1)..];

    /// <summary>
    /// The usage of <paramref name="task"/>, or null for a task that never began (no pull, no start), which Fargate
    /// does not bill. CPU and memory are the task's size; a task without one (EC2) counts its containers' reservations.
    /// </summary>
    public static TaskUsage? Of(EcsTask task)
    {
        if ((task.PullStartedAt ?? task.StartedAt) is not { } started)
        {
            return null;
        }
        var containers = task.Containers ?? [];
        var cpuUnits = Parse(task.Cpu) ?? containers.Sum(c => Parse(c.Cpu) ?? 0);
        var memoryMib = Parse(task.Memory) ?? containers.Sum(c => Parse(c.Memory) ?? Parse(c.MemoryReservation) ?? 0);
        return new TaskUsage
        {
            TaskArn = task.TaskArn!,
            ClusterArn = task.ClusterArn!,
            ServiceName = Tasks.TaskGroups.ServiceNameOf(task.Group),
            Capacity = UsageCapacity.Of(task),
            Vcpu = cpuUnits / 1024.0,
            MemoryGb = memoryMib / 1024.0,
            StartedAt = started,
            StoppedAt = task.LastStatus == Tasks.TaskStatuses.Stopped ? task.StoppedAt ?? task.ExecutionStoppedAt ?? started : null,
            Tags = task.Tags ?? [],
        };
    }

    private static double? Parse(string? size) =>
        double.TryParse(size, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;
}
