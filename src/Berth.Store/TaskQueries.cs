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
        var tasks = new GroupTasks();
        foreach (var range in GroupRanges(clusterArn, group))
        {
            tasks.Add(await store.QueryAsync(EcsRecords.Tasks, range, cancellationToken).ConfigureAwait(false));
        }
        return tasks.Values;
    }

    /// <summary>As the store's <see cref="TasksOfGroupAsync(IStateStore, string, string, CancellationToken)"/>, through a cache of those reads.</summary>
    public static async Task<IReadOnlyList<EcsTask>> TasksOfGroupAsync(this QueryReadCache<EcsTask> cache, string clusterArn, string group, CancellationToken cancellationToken)
    {
        var tasks = new GroupTasks();
        foreach (var range in GroupRanges(clusterArn, group))
        {
            tasks.Add(await cache.QueryAsync(range, cancellationToken).ConfigureAwait(false));
        }
        return tasks.Values;
    }

    /// <summary>
    /// The tasks of the ranges, each once: a task whose desired status changed between the reads of two ranges is in both
    /// (the scheduler's snapshot must not name a task twice), and the newer of the two is kept.
    /// </summary>
    private sealed class GroupTasks
    {
        private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);
        private readonly List<Versioned<EcsTask>> _tasks = [];

        public IReadOnlyList<EcsTask> Values => [.. _tasks.Select(t => t.Value)];

        public void Add(IReadOnlyList<Versioned<EcsTask>> range)
        {
            foreach (var task in range)
            {
                if (!_positions.TryGetValue(task.Id, out var position))
                {
                    _positions[task.Id] = _tasks.Count;
                    _tasks.Add(task);
                }
                else if (task.Version > _tasks[position].Version)
                {
                    _tasks[position] = task;
                }
            }
        }
    }

    /// <summary>The group's tasks in the cluster, one index range per desired status.</summary>
    private static IEnumerable<RecordQuery> GroupRanges(string clusterArn, string group) =>
        EcsEnums.DesiredStatus.Select(desired => new RecordQuery(EcsRecords.Tasks.Kind, clusterArn) { IndexKeyPrefix = EcsRecords.TaskIndexPrefix(desired, group) });
}
