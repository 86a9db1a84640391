using System.Collections.Concurrent;
using Berth.Core.Ecs;

namespace Berth.Api.Agent;

/// <summary>
/// What each instance's last poll answer was made of that stays the same until its task's record changes: the task as
/// the agent is told about it, as JSON, by task ARN and record version. An instance's answer lists every task it has
/// at every change to any of them (ten tasks placed one by one were 55 task answers), and each one read, built and
/// serialized its task again; now a task is built and serialized once per version of its record.
/// </summary>
/// <remarks>
/// Correct across servers and restarts: a record's version grows with every write by any server, so a kept task whose
/// version still matches the one just read is exactly what would be built from it, and a server that has kept nothing
/// builds everything. Only the last answer's tasks are kept per instance, so a task that left its instance is dropped
/// at the next answer, and an instance that is gone at its poll's 410 (one whose agent never polls this server again
/// keeps its last answer until the server restarts: bounded by the instances it served).
/// </remarks>
internal sealed class KeptAssignments
{
    private static readonly IReadOnlyDictionary<string, KeptTask> None = new Dictionary<string, KeptTask>();

    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, KeptTask>> _byInstance = new(StringComparer.Ordinal);

    /// <summary>The tasks of the instance's last answer, by task ARN.</summary>
    public IReadOnlyDictionary<string, KeptTask> Of(string instanceArn) => _byInstance.GetValueOrDefault(instanceArn, None);

    /// <summary>Replaces what is kept for the instance with the tasks of its newest answer.</summary>
    public void Keep(string instanceArn, IReadOnlyDictionary<string, KeptTask> tasks) => _byInstance[instanceArn] = tasks;

    public void Forget(string instanceArn) => _byInstance.TryRemove(instanceArn, out _);
}

/// <summary>
/// A task's part of the poll answer at one version of its record: <see cref="Json"/> is the task as its agent is told
/// about it. <see cref="Task"/> is kept only when the answer has members that are made anew at every poll from the
/// task (role credentials, which rotate, and secrets); other tasks keep their JSON alone.
/// </summary>
internal sealed record KeptTask(long Version, string TaskDefinitionArn, ReadOnlyMemory<byte> Json, EcsTask? Task);

/// <summary>A task definition revision and its JSON: revisions never change once registered, apart from their status, which agents do not use.</summary>
internal sealed record KeptDefinition(TaskDefinition Definition, ReadOnlyMemory<byte> Json);
