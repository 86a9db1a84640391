using Berth.Core.Ecs;

namespace Berth.Store;

/// <summary>Reads of tasks through their index key (<see cref="EcsRecords.TaskIndexKey"/>).</summary>
public static class TaskQueries
{
    /// <summary>
    /// The tasks of one group (a service's or a daemon's) in a cluster, of every desired status: one index range each,
    /// where filtering the cluster's tasks would read every one of them on every scheduling round.
    /// </summary>
    public static async Task<IReadOnlyList<EcsTask>> TasksOfGroupAsync(this IStateStore store, string clusterArn, string group, CancellationToken cancellationToken)
    {
        var tasks = new List<EcsTask>();
        foreach (var desired in EcsEnums.DesiredStatus)
        {
            var range = await store.QueryAsync(EcsRecords.Tasks, new RecordQuery(EcsRecords.Tasks.Kind, clusterArn)
            {
                IndexKeyPrefix = EcsRecords.TaskIndexPrefix(desired, group),
            }, cancellationToken).ConfigureAwait(false);
            tasks.AddRange(range.Select(t => t.Value));
        }
        return tasks;
    }
}
