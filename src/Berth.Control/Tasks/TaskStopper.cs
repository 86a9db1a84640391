using Berth.Control.Agents;
using Berth.Core.State;
using Berth.Core.Tasks;
using Berth.Store;

namespace Berth.Control.Tasks;

/// <summary>Stopping tasks: by request (the agent then stops the containers) or by giving them up as lost.</summary>
public sealed class TaskStopper(IStateStore store, AssignmentSignals signals)
{
    /// <summary>
    /// Sets desired status STOPPED and moves the instance's assignments version so its agent hears of it on
    /// the next poll. Returns the task as it now is, or null when there is no such task.
    /// </summary>
    public Task<Core.Ecs.EcsTask?> RequestStopAsync(string taskArn, string reason, string stopCode, DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangeAsync(taskArn, task => TaskStateChanges.RequestStop(task, reason, stopCode, now), cancellationToken);

    /// <summary>
    /// The stop of a task behind a service's load balancer (the scheduler's, or a user's StopTask): DEACTIVATING while
    /// its targets drain (<see cref="TaskStateChanges.Deactivate"/>); the service scheduler deregisters them and moves
    /// the task on once the deregistration delay is over.
    /// </summary>
    public Task<Core.Ecs.EcsTask?> DeactivateAsync(string taskArn, string reason, string stopCode, DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangeAsync(taskArn, task => TaskStateChanges.Deactivate(task, reason, stopCode, now), cancellationToken);

    private async Task<Core.Ecs.EcsTask?> ChangeAsync(string taskArn, Func<Core.Ecs.EcsTask, Core.Ecs.EcsTask> change, CancellationToken cancellationToken)
    {
        var stopped = await store.RetryOnConflictAsync(async ct =>
        {
            var task = await store.GetAsync(EcsRecords.Tasks, taskArn, ct).ConfigureAwait(false);
            if (task is null || !TaskStateChanges.CanRequestStop(task.Value))
            {
                return task?.Value;
            }
            var next = change(task.Value);
            if (ReferenceEquals(next, task.Value))
            {
                return next;
            }
            var writes = new List<RecordWrite> { EcsRecords.PutTask(next, task.Version) };
            if (task.Value.ContainerInstanceArn is { } instanceArn
                && await store.GetAsync(EcsRecords.ContainerInstances, instanceArn, ct).ConfigureAwait(false) is { } instance)
            {
                writes.Add(EcsRecords.BumpAssignments(instance));
            }
            await store.CommitAsync(writes, ct).ConfigureAwait(false);
            return next;
        }, cancellationToken).ConfigureAwait(false);
        if (stopped?.ContainerInstanceArn is { } arn)
        {
            signals.Notify(arn);
        }
        return stopped;
    }

    /// <summary>The writes that record a claimed task as lost and free its claim; the caller commits them.</summary>
    public async Task<IReadOnlyList<RecordWrite>> StopLostTaskAsync(
        Versioned<TaskAssignmentRecord> claim, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var writes = new List<RecordWrite> { EcsRecords.TaskAssignments.Delete(claim) };
        if (await store.GetAsync(EcsRecords.Tasks, claim.Id, cancellationToken).ConfigureAwait(false) is { } task
            && task.Value.LastStatus != TaskStatuses.Stopped)
        {
            writes.Add(EcsRecords.PutTask(TaskStateChanges.MarkLost(task.Value, reason, now), task.Version));
        }
        return writes;
    }
}
