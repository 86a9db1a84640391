using Berth.Control.Clusters;
using Berth.Core.State;
using Berth.Core.Tasks;
using Berth.Store;

namespace Berth.Api.Ecs.ContainerInstances;

/// <summary>
/// The tasks on an instance as its API views count them: their claims (resources, groups) and the claimed tasks' last
/// statuses. A claim holds what its task reserved and never moves with the task's status (an agent's report then writes
/// the task alone), so the counts read the tasks themselves.
/// </summary>
internal sealed record ClaimedTasks(IReadOnlyList<TaskAssignmentRecord> Claims, IReadOnlyList<string> LastStatuses)
{
    public static readonly ClaimedTasks None = new([], []);

    public int RunningCount => LastStatuses.Count(s => s == TaskStatuses.Running);

    public int PendingCount => LastStatuses.Count(TaskStatuses.IsPending);

    public static async Task<ClaimedTasks> ReadAsync(ClusterState state, IStateStore store, string containerInstanceArn, CancellationToken cancellationToken)
    {
        var claims = await state.ClaimsAsync(containerInstanceArn, cancellationToken).ConfigureAwait(false);
        return await OfAsync(store, claims, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<ClaimedTasks> OfAsync(IStateStore store, IReadOnlyList<Versioned<TaskAssignmentRecord>> claims, CancellationToken cancellationToken)
    {
        var tasks = await store.GetManyAsync(EcsRecords.Tasks, [.. claims.Select(c => c.Id)], cancellationToken).ConfigureAwait(false);
        return new([.. claims.Select(c => c.Value)], [.. tasks.Values.Select(t => t.Value.LastStatus!)]);
    }
}
