using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Scheduling;
using Berth.Core.State;
using Berth.Core.Tasks;
using Berth.Store;

namespace Berth.Control.Tasks;

/// <summary>
/// Applies what an agent says about a task: Berth's own agent through its reports route, several tasks at a time, and
/// any other through ECS's SubmitTaskStateChange and SubmitContainerStateChange, one at a time. One rule for both, so a
/// state change means the same whoever sends it: the task's known status only moves forward, and its claim on the
/// instance is given back when it stops. The caller wakes the schedulers a change calls for
/// (<see cref="Applied.Wake"/>; Control.Services sits above this namespace).
/// </summary>
public sealed class TaskReports(IStateStore store, TimeProvider time)
{
    public enum Outcome
    {
        /// <summary>Applied, and it changed nothing (a repeated or late report).</summary>
        Unchanged,

        /// <summary>Applied: the task record changed.</summary>
        Changed,

        /// <summary>No such task, or (for a caller that is not an agent) not one of the report's instance.</summary>
        NotFound,

        /// <summary>An agent reported on a task of another container instance.</summary>
        NotOwn,
    }

    /// <summary>
    /// What applying a report did, and the scheduler rounds its change calls for (<see cref="SchedulerWake.Of"/>; none
    /// unless <see cref="Outcome.Changed"/>): a service's task wakes its service's round only, a stopped task every round.
    /// </summary>
    public sealed record Applied(Outcome Outcome, SchedulerWake Wake)
    {
        /// <summary>
        /// The task as this report committed it, at its record's new version, with its claim (which a report never moves):
        /// null unless the report changed the task and the task kept its claim. A caller that keeps what it read may keep
        /// these instead.
        /// </summary>
        public KnownTask? Committed { get; init; }

        public static Applied Of(Outcome outcome) => new(outcome, SchedulerWake.None);
    }

    /// <summary>
    /// A task and its claim on the instance as the caller read them moments before (the poll answer that told the agent
    /// about the task), which a report on the task is planned from instead of reading them again. The commit checks
    /// the task's version as it checks a read's (and so the claim's, <see cref="PlanOf"/>; a stop's delete checks the
    /// claim's own): a task moved since fails it, and the batch is then applied afresh, report by report. A report that
    /// would change nothing is answered from a read, never from these.
    /// </summary>
    public sealed record KnownTask(Versioned<EcsTask> Task, Versioned<TaskAssignmentRecord> Claim);

    /// <param name="fromAgent">Whether an agent sent it (it may speak for its own instance's tasks only).</param>
    public Task<Applied> ApplyAsync(AgentTaskReport report, bool fromAgent, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var plan = await PlanAsync(report, fromAgent, ct).ConfigureAwait(false);
            if (plan.Writes.Count > 0)
            {
                await store.CommitAsync([.. plan.Writes, .. await BumpsAsync(plan.FreedOn is { } instanceArn ? [instanceArn] : [], ct).ConfigureAwait(false)], ct)
                    .ConfigureAwait(false);
            }
            return plan.Applied;
        }, cancellationToken);

    /// <summary>
    /// Applies an agent's reports in one commit, answering each report's outcome in their order. A commit that loses a
    /// race (another writer moved one of the tasks, claims or instances meanwhile) changed nothing, so then each report is
    /// applied on its own: one moved task never fails the others. A task named twice is applied once in the commit and
    /// again after it, in the batch's order.
    /// </summary>
    /// <param name="known">Tasks and claims the caller read moments before, by task ARN (<see cref="KnownTask"/>); may be empty.</param>
    public async Task<IReadOnlyList<Applied>> ApplyAllAsync(
        IReadOnlyList<AgentTaskReport> reports, bool fromAgent, IReadOnlyDictionary<string, KnownTask> known, CancellationToken cancellationToken) =>
        await ApplyTogetherAsync(reports, fromAgent, known, cancellationToken).ConfigureAwait(false)
        ?? await ApplyEachAsync(reports, fromAgent, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// <see cref="ApplyAllAsync"/> without its way out of a lost race: null when the commit lost one, having changed
    /// nothing, so that a caller that joined several callers' reports can retry each caller's apart.
    /// </summary>
    /// <remarks>
    /// The reads are those of <see cref="ApplyAsync"/> for each report, made for all of them at once: the batch's tasks
    /// in one read, the claims of those that change in another, the instances whose claims are given back in a third;
    /// a task changed from what <paramref name="known"/> holds needs neither of the first two.
    /// </remarks>
    public async Task<IReadOnlyList<Applied>?> ApplyTogetherAsync(
        IReadOnlyList<AgentTaskReport> reports, bool fromAgent, IReadOnlyDictionary<string, KnownTask> known, CancellationToken cancellationToken)
    {
        var outcomes = new Applied[reports.Count];
        var batched = new HashSet<string>(StringComparer.Ordinal);
        var first = new List<int>(reports.Count);
        var repeated = new List<int>();
        for (var i = 0; i < reports.Count; i++)
        {
            (batched.Add(reports[i].TaskArn) ? first : repeated).Add(i);
        }
        var changes = new TaskChange?[first.Count];
        var knownClaims = new Versioned<TaskAssignmentRecord>?[first.Count];
        for (var n = 0; n < first.Count; n++)
        {
            var report = reports[first[n]];
            if (known.TryGetValue(report.TaskArn, out var kept) && Change(report, fromAgent, kept.Task) is { Next: not null } change)
            {
                (changes[n], knownClaims[n]) = (change, kept.Claim);
            }
        }
        var tasks = await store.GetManyAsync(
            EcsRecords.Tasks, [.. first.Where((_, n) => changes[n] is null).Select(i => reports[i].TaskArn)], cancellationToken).ConfigureAwait(false);
        for (var n = 0; n < first.Count; n++)
        {
            changes[n] ??= Change(reports[first[n]], fromAgent, tasks.GetValueOrDefault(reports[first[n]].TaskArn));
        }
        var claims = await store.GetManyAsync(
            EcsRecords.TaskAssignments,
            [.. first.Where((_, n) => changes[n]!.Next is not null && knownClaims[n] is null).Select(i => reports[i].TaskArn)],
            cancellationToken).ConfigureAwait(false);
        var writes = new List<RecordWrite>();
        var freedOn = new HashSet<string>(StringComparer.Ordinal);
        for (var n = 0; n < first.Count; n++)
        {
            var report = reports[first[n]];
            var plan = PlanOf(report, changes[n]!, knownClaims[n] ?? claims.GetValueOrDefault(report.TaskArn));
            outcomes[first[n]] = plan.Applied;
            writes.AddRange(plan.Writes);
            if (plan.FreedOn is { } instanceArn)
            {
                freedOn.Add(instanceArn);
            }
        }
        try
        {
            if (writes.Count > 0)
            {
                writes.AddRange(await BumpsAsync(freedOn, cancellationToken).ConfigureAwait(false));
                await store.CommitAsync(writes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ConcurrencyConflictException)
        {
            return null;
        }
        foreach (var i in repeated)
        {
            outcomes[i] = await ApplyAsync(reports[i], fromAgent, cancellationToken).ConfigureAwait(false);
        }
        return outcomes;
    }

    private async Task<IReadOnlyList<Applied>> ApplyEachAsync(IReadOnlyList<AgentTaskReport> reports, bool fromAgent, CancellationToken cancellationToken)
    {
        var outcomes = new Applied[reports.Count];
        for (var i = 0; i < reports.Count; i++)
        {
            outcomes[i] = await ApplyAsync(reports[i], fromAgent, cancellationToken).ConfigureAwait(false);
        }
        return outcomes;
    }

    /// <summary>What a report changes. <see cref="Plan.FreedOn"/>: the instance whose claim the task gave back.</summary>
    private sealed record Plan(Applied Applied, IReadOnlyList<RecordWrite> Writes, string? FreedOn = null);

    /// <summary>
    /// What a report makes of its task, before its claim is read: the task's next state and the version it is computed
    /// from, or no next state when the report writes nothing (<see cref="Applied"/> says why).
    /// </summary>
    private sealed record TaskChange(Applied Applied, EcsTask? Next = null, long Version = 0);

    /// <summary>The plan of one report, read afresh.</summary>
    private async Task<Plan> PlanAsync(AgentTaskReport report, bool fromAgent, CancellationToken ct)
    {
        var change = Change(report, fromAgent, await store.GetAsync(EcsRecords.Tasks, report.TaskArn, ct).ConfigureAwait(false));
        var claim = change.Next is null ? null : await store.GetAsync(EcsRecords.TaskAssignments, report.TaskArn, ct).ConfigureAwait(false);
        return PlanOf(report, change, claim);
    }

    private TaskChange Change(AgentTaskReport report, bool fromAgent, Versioned<EcsTask>? task)
    {
        if (task is null)
        {
            return new TaskChange(Applied.Of(Outcome.NotFound));
        }
        if (task.Value.ContainerInstanceArn != report.ContainerInstanceArn)
        {
            return new TaskChange(Applied.Of(fromAgent ? Outcome.NotOwn : Outcome.NotFound));
        }
        var next = TaskStateChanges.ApplyReport(task.Value, report, time.GetUtcNow());
        return ReferenceEquals(next, task.Value)
            ? new TaskChange(Applied.Of(Outcome.Unchanged))
            : new TaskChange(new Applied(Outcome.Changed, SchedulerWake.Of(next)), next, task.Version);
    }

    /// <param name="claim">The task's claim as read after its task (none is read for a change that writes nothing).</param>
    private static Plan PlanOf(AgentTaskReport report, TaskChange change, Versioned<TaskAssignmentRecord>? claim)
    {
        if (change.Next is not { } next)
        {
            return new Plan(change.Applied, []);
        }
        var put = EcsRecords.PutTask(next, change.Version);
        if (claim is not null && next.LastStatus == TaskStatuses.Stopped)
        {
            // A STOPPED task gives its resources back.
            return new Plan(change.Applied, [put, EcsRecords.TaskAssignments.Delete(claim)], report.ContainerInstanceArn);
        }
        // Any other move writes the task alone: a claim never changes between its placement and its task's stop, and
        // whoever deletes a claim also moves its task (or finds it STOPPED already, which no report moves), so the task's
        // version, which the commit checks, also stands for the claim's.
        var committed = claim is null ? null : new KnownTask(new Versioned<EcsTask>(put.Id, change.Version + 1, put.SortKey, next), claim);
        return new Plan(change.Applied with { Committed = committed }, [put]);
    }

    /// <summary>
    /// The set of an instance's tasks changed when a claim was given back, so its assignments version moves with it, once
    /// per commit however many of its tasks stopped: placement views re-read an instance's claims when it moves
    /// (PlacementView), and so see the room at once, on every server.
    /// </summary>
    private async Task<IEnumerable<RecordWrite>> BumpsAsync(IReadOnlyCollection<string> instanceArns, CancellationToken ct) =>
        (await store.GetManyAsync(EcsRecords.ContainerInstances, instanceArns, ct).ConfigureAwait(false)).Values.Select(EcsRecords.BumpAssignments);
}
