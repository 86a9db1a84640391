namespace Berth.Core.Services;

/// <summary>
/// Which of a service's tasks were already named in a "has started" event, remembered in a size that does not grow with
/// the service: tasks are announced in <c>createdAt</c> order, so the record keeps the newest <c>createdAt</c> announced
/// (<see cref="SchedulerState.AnnouncedThrough"/>) and, in <see cref="SchedulerState.AnnouncedTasks"/>, only the tasks
/// created at exactly that moment (one launch's tasks share it). A task created earlier than the mark was announced.
/// </summary>
/// <remarks>
/// That holds because a service's tasks are created by its scheduler's rounds, which run one at a time (on the leader)
/// and launch before they commit, all of a launch's tasks in one commit with one <c>createdAt</c>: a round's snapshot
/// holds every task created before the tasks it sees. A record written before the mark existed has no mark and lists
/// every task it announced, which the same rule reads as it always did, so its tasks are not announced again.
/// </remarks>
public static class StartAnnouncements
{
    /// <summary>The tasks of the snapshot not announced yet, oldest first (as they are announced).</summary>
    public static IReadOnlyList<ServiceTask> Unannounced(SchedulerState state, IReadOnlyList<ServiceTask> tasks)
    {
        var named = state.AnnouncedTasks.ToHashSet(StringComparer.Ordinal);
        return [.. tasks
            .Where(t => !(t.CreatedAt < state.AnnouncedThrough || named.Contains(t.TaskArn)))
            .OrderBy(t => t.CreatedAt)
            .ThenBy(t => t.TaskArn, StringComparer.Ordinal)];
    }

    /// <summary>The bookkeeping once every task of the snapshot is announced: the newest moment and the tasks created at it.</summary>
    public static SchedulerState AllAnnounced(SchedulerState state, IReadOnlyList<ServiceTask> tasks)
    {
        DateTimeOffset? newest = tasks.Count == 0 ? null : tasks.Max(t => t.CreatedAt);
        if (state.AnnouncedThrough is { } mark && !(newest > mark))
        {
            // Nothing newer than the mark: the tasks at the mark that are still seen stay named (they may be all of them).
            return newest == mark ? state with { AnnouncedTasks = [.. tasks.Where(t => t.CreatedAt == mark).Select(t => t.TaskArn)] } : state;
        }
        return state with
        {
            AnnouncedThrough = newest,
            AnnouncedTasks = newest is { } moment ? [.. tasks.Where(t => t.CreatedAt == moment).Select(t => t.TaskArn)] : [],
        };
    }
}
