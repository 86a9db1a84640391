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

    /// <summary>
    /// <see cref="RequestStopAsync"/> for many tasks (a service scaling in), in commits of up to <see cref="TasksPerCommit"/>
    /// tasks, each with the assignments versions of their instances moved once. A commit that conflicts (one of its tasks or
    /// instances moved meanwhile) is redone one task at a time, as a single stop is, so the others are not lost with it.
    /// </summary>
    public Task RequestStopsAsync(IReadOnlyList<(string TaskArn, string Reason)> stops, string stopCode, DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangeManyAsync(stops, (task, reason) => TaskStateChanges.RequestStop(task, reason, stopCode, now), cancellationToken);

    /// <summary><see cref="DeactivateAsync"/> for many tasks, in commits as <see cref="RequestStopsAsync"/>.</summary>
    public Task DeactivateAllAsync(IReadOnlyList<(string TaskArn, string Reason)> stops, string stopCode, DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangeManyAsync(stops, (task, reason) => TaskStateChanges.Deactivate(task, reason, stopCode, now), cancellationToken);

    /// <summary>At most this many tasks change in one commit, so a large scale-in is not one unbounded statement.</summary>
    internal const int TasksPerCommit = 100;

    private async Task ChangeManyAsync(
        IReadOnlyList<(string TaskArn, string Reason)> stops, Func<Core.Ecs.EcsTask, string, Core.Ecs.EcsTask> change, CancellationToken cancellationToken)
    {
        foreach (var batch in stops.Chunk(TasksPerCommit))
        {
            if (batch.Length == 1)
            {
                await ChangeAsync(batch[0].TaskArn, task => change(task, batch[0].Reason), cancellationToken).ConfigureAwait(false);
                continue;
            }
            var tasks = await store.GetManyAsync(EcsRecords.Tasks, [.. batch.Select(s => s.TaskArn)], cancellationToken).ConfigureAwait(false);
            var writes = new List<RecordWrite>();
            var instanceArns = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (taskArn, reason) in batch)
            {
                if (tasks.GetValueOrDefault(taskArn) is not { } task || !TaskStateChanges.CanRequestStop(task.Value))
                {
                    continue;
                }
                var next = change(task.Value, reason);
                if (ReferenceEquals(next, task.Value))
                {
                    continue;
                }
                writes.Add(EcsRecords.PutTask(next, task.Version));
                if (task.Value.ContainerInstanceArn is { } instanceArn)
                {
                    instanceArns.Add(instanceArn);
                }
            }
            if (writes.Count == 0)
            {
                continue;
            }
            var instances = await store.GetManyAsync(EcsRecords.ContainerInstances, instanceArns, cancellationToken).ConfigureAwait(false);
            writes.AddRange(instances.Values.Select(EcsRecords.BumpAssignments));
            try
            {
                await store.CommitAsync(writes, cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException)
            {
                // One of them moved meanwhile: each is changed on its own, re-read, so none is lost with it.
                foreach (var (taskArn, reason) in batch)
                {
                    await ChangeAsync(taskArn, task => change(task, reason), cancellationToken).ConfigureAwait(false);
                }
                continue;
            }
            foreach (var arn in instances.Keys)
            {
                signals.Notify(arn);
            }
        }
    }

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
