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
        foreach (var range in GroupRanges(clusterArn, group))
        {
            tasks.AddRange((await store.QueryAsync(EcsRecords.Tasks, range, cancellationToken).ConfigureAwait(false)).Select(t => t.Value));
        }
        return tasks;
    }

    /// <summary>As the store's <see cref="TasksOfGroupAsync(IStateStore, string, string, CancellationToken)"/>, through a cache of those reads.</summary>
    public static async Task<IReadOnlyList<EcsTask>> TasksOfGroupAsync(this QueryReadCache<EcsTask> cache, string clusterArn, string group, CancellationToken cancellationToken)
    {
        var tasks = new List<EcsTask>();
        foreach (var range in GroupRanges(clusterArn, group))
        {
            tasks.AddRange((await cache.QueryAsync(range, cancellationToken).ConfigureAwait(false)).Select(t => t.Value));
        }
        return tasks;
    }

    /// <summary>The group's tasks in the cluster, one index range per desired status.</summary>
    private static IEnumerable<RecordQuery> GroupRanges(string clusterArn, string group) =>
        EcsEnums.DesiredStatus.Select(desired => new RecordQuery(EcsRecords.Tasks.Kind, clusterArn) { IndexKeyPrefix = EcsRecords.TaskIndexPrefix(desired, group) });
}
