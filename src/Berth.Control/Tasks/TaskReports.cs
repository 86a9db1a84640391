using Berth.Core.Agent;
using Berth.Core.Scheduling;
using Berth.Core.Tasks;
using Berth.Store;

namespace Berth.Control.Tasks;

/// <summary>
/// Applies what an agent says about a task: Berth's own agent through its report route, and any other through ECS's
/// SubmitTaskStateChange and SubmitContainerStateChange. One transaction for both, so a state change means the same
/// whoever sends it: the task's known status only moves forward, and its claim on the instance follows it. The caller
/// wakes the schedulers a change calls for (<see cref="Applied.Wake"/>; Control.Services sits above this namespace).
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
        public static Applied Of(Outcome outcome) => new(outcome, SchedulerWake.None);
    }

    /// <param name="fromAgent">Whether an agent sent it (it may speak for its own instance's tasks only).</param>
    public Task<Applied> ApplyAsync(AgentTaskReport report, bool fromAgent, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var task = await store.GetAsync(EcsRecords.Tasks, report.TaskArn, ct).ConfigureAwait(false);
            if (task is null)
            {
                return Applied.Of(Outcome.NotFound);
            }
            if (task.Value.ContainerInstanceArn != report.ContainerInstanceArn)
            {
                return Applied.Of(fromAgent ? Outcome.NotOwn : Outcome.NotFound);
            }
            var next = TaskStateChanges.ApplyReport(task.Value, report, time.GetUtcNow());
            if (ReferenceEquals(next, task.Value))
            {
                return Applied.Of(Outcome.Unchanged);
            }
            var writes = new List<RecordWrite> { EcsRecords.PutTask(next, task.Version) };
            var claim = await store.GetAsync(EcsRecords.TaskAssignments, report.TaskArn, ct).ConfigureAwait(false);
            if (claim is not null && next.LastStatus == TaskStatuses.Stopped)
            {
                // A STOPPED task gives its resources back. The set of the instance's tasks changed, so its assignments
                // version moves with it: placement views re-read an instance's claims when it moves (PlacementView), and
                // so see the room at once, on every server.
                writes.Add(EcsRecords.TaskAssignments.Delete(claim));
                if (await store.GetAsync(EcsRecords.ContainerInstances, report.ContainerInstanceArn, ct).ConfigureAwait(false) is { } instance)
                {
                    writes.Add(EcsRecords.BumpAssignments(instance));
                }
            }
            else if (claim is not null)
            {
                // The claim follows the task's status, for the instance's task counts.
                writes.Add(EcsRecords.PutClaim(claim.Value with { LastStatus = next.LastStatus! }, report.ContainerInstanceArn, claim.Version));
            }
            await store.CommitAsync(writes, ct).ConfigureAwait(false);
            return new Applied(Outcome.Changed, SchedulerWake.Of(next));
        }, cancellationToken);
}
