namespace Berth.Core.Services;

/// <summary>
/// Which of a service's tasks were already named in a "has started" event, remembered in a size that does not grow with
/// the service: the time of the last round that planned (<see cref="SchedulerState.AnnouncedThrough"/>, to the
/// millisecond, as task times are stored) and, in <see cref="SchedulerState.AnnouncedTasks"/>, only the tasks that round
/// saw created at or after it (normally none). A task created before the mark was announced.
/// </summary>
/// <remarks>
/// That holds because a service's tasks are created only by its scheduler's rounds, which run one at a time (on the
/// leader, whose commits are fenced) and finish their launches before the next round starts: a task created before a
/// round's time was committed before that round read its snapshot, so the round saw it. The tasks a round launches are
/// created after its time, so the next round announces them. A record written before the mark existed has no mark and
/// names every task it announced, which the same rule reads as it always did, so its tasks are not announced again.
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

    /// <summary>The bookkeeping once every task of the round's snapshot, planned at <paramref name="now"/>, is announced.</summary>
    public static SchedulerState AllAnnounced(SchedulerState state, IReadOnlyList<ServiceTask> tasks, DateTimeOffset now)
    {
        var mark = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        return state with
        {
            AnnouncedThrough = mark,
            AnnouncedTasks = [.. tasks.Where(t => t.CreatedAt >= mark).Select(t => t.TaskArn)],
        };
    }
}
