using System.Collections.Concurrent;
using Berth.Control.Tasks;
using Berth.Core.Ecs;
using Berth.Core.State;
using Berth.Store;

namespace Berth.Api.Agent;

/// <summary>
/// What each instance's last poll answer was made of that stays the same until its task's record changes: the task as
/// the agent is told about it, as JSON, by task ARN and record version. An instance's answer lists every task it has
/// at every change to any of them (ten tasks placed one by one were 55 task answers), and each one read, built and
/// serialized its task again; now a task is built and serialized once per version of its record.
/// </summary>
/// <remarks>
/// <para>
/// Correct across servers and restarts: a record's version grows with every write by any server, so a kept task whose
/// version still matches the one just read is exactly what would be built from it, and a server that has kept nothing
/// builds everything. Only the last answer's tasks are kept per instance, so a task that left its instance is dropped
/// at the next answer, and an instance that is gone at its poll's 410 (one whose agent never polls this server again
/// keeps its last answer until the server restarts: bounded by the instances it served).
/// </para>
/// <para>
/// The agent's report on a task it was just told about is planned from the task and claim this answer read
/// (<see cref="KeptTask.Known"/>; the commit checks their versions), and what the report committed replaces them
/// (<see cref="Committed"/>): the next answer writes that version's JSON from the task in hand instead of reading and
/// deserializing it again.
/// </para>
/// </remarks>
internal sealed class KeptAssignments
{
    private static readonly IReadOnlyDictionary<string, KeptTask> None = new Dictionary<string, KeptTask>();

    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, KeptTask>> _byInstance = new(StringComparer.Ordinal);

    /// <summary>The tasks of the instance's last answer, by task ARN.</summary>
    public IReadOnlyDictionary<string, KeptTask> Of(string instanceArn) => _byInstance.GetValueOrDefault(instanceArn, None);

    /// <summary>Replaces what is kept for the instance with the tasks of its newest answer.</summary>
    public void Keep(string instanceArn, IReadOnlyDictionary<string, KeptTask> tasks) => _byInstance[instanceArn] = tasks;

    /// <summary>
    /// Keeps what reports on the instance's tasks committed in place of the versions its last answer holds. A task the
    /// last answer did not list (answered by another server, or gone since) is left out: only answers add tasks.
    /// </summary>
    public void Committed(string instanceArn, IReadOnlyList<TaskReports.KnownTask> committed)
    {
        // Compare-and-swap, so that an answer kept meanwhile is not overwritten with the older one this was copied from.
        while (_byInstance.TryGetValue(instanceArn, out var tasks))
        {
            Dictionary<string, KeptTask>? next = null;
            foreach (var known in committed)
            {
                if (tasks.TryGetValue(known.Task.Id, out var kept) && kept.Version < known.Task.Version)
                {
                    next ??= new Dictionary<string, KeptTask>(tasks, StringComparer.Ordinal);
                    next[known.Task.Id] = new KeptTask(known.Task.Version, kept.TaskDefinitionArn, Json: null, kept.PerPoll, kept.Network, known.Task, known.Claim);
                }
            }
            if (next is null || _byInstance.TryUpdate(instanceArn, next, tasks))
            {
                return;
            }
        }
    }

    public void Forget(string instanceArn) => _byInstance.TryRemove(instanceArn, out _);
}

/// <summary>
/// A task's part of the poll answer at one version of its record. <see cref="Json"/> is the task as its agent is told
/// about it; null for a version a report committed, until an answer lists it. <see cref="Task"/> is kept where an answer
/// or a report needs it: for an answer with members made anew at every poll from the task (<see cref="PerPoll"/>: role
/// credentials, which rotate, and secrets), for the JSON still to be written, and from the answer that first read this
/// version until the agent reports on it, with its <see cref="Claim"/>; otherwise the JSON is kept alone, with the
/// claim's <see cref="Network"/> (set at placement, never changed).
/// </summary>
internal sealed record KeptTask(
    long Version,
    string TaskDefinitionArn,
    ReadOnlyMemory<byte>? Json,
    bool PerPoll,
    TaskNetworkClaim? Network,
    Versioned<EcsTask>? Task,
    Versioned<TaskAssignmentRecord>? Claim)
{
    /// <summary>The task and claim a report on this version may be planned from; null when they are not kept.</summary>
    public TaskReports.KnownTask? Known => Task is not null && Claim is not null ? new TaskReports.KnownTask(Task, Claim) : null;

    /// <summary>
    /// This task's part as the answer at <paramref name="version"/> of the task's record reuses it, with the
    /// <paramref name="claim"/> that answer read in place of the kept one; null when the answer must build it again: the
    /// record moved since, or a report committed this version and its JSON is not written yet.
    /// </summary>
    public KeptTask? ReusedAt(long version, Versioned<TaskAssignmentRecord>? claim) =>
        version != Version || Json is null ? null : Task is null ? this : this with { Claim = claim };
}

/// <summary>A task definition revision and its JSON: revisions never change once registered, apart from their status, which agents do not use.</summary>
internal sealed record KeptDefinition(TaskDefinition Definition, ReadOnlyMemory<byte> Json);
