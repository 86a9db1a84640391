using Berth.Core.Arns;
using Berth.Core.Daemons;
using Berth.Core.Ecs;
using Berth.Core.Tasks;

namespace Berth.Core.Scheduling;

/// <summary>
/// Which scheduler rounds a change to a task calls for: the round of the one service or daemon it belongs to
/// (<see cref="SubjectArn"/>), every service's and daemon's (<see cref="Everything"/>), or none. The service and daemon
/// schedulers then reconcile only what changed instead of every subject on every task report.
/// </summary>
public sealed record SchedulerWake(bool Everything, string? SubjectArn)
{
    public static SchedulerWake None { get; } = new(false, null);

    public static SchedulerWake All { get; } = new(true, null);

    /// <summary>
    /// A STOPPED task wakes every round, whoever started it: it gave room back, which a service or daemon short of room
    /// may be waiting for, and its own service replaces it. Otherwise a task of a service's group (<c>service:NAME</c>)
    /// or a daemon's (<c>daemon:NAME</c>) wakes its owner's round, and a standalone task none.
    /// </summary>
    public static SchedulerWake Of(EcsTask changed)
    {
        if (changed.LastStatus == TaskStatuses.Stopped)
        {
            return All;
        }
        if (!EcsArn.TryParse(changed.ClusterArn, out var cluster))
        {
            return None;
        }
        if (TaskGroups.ServiceNameOf(changed.Group) is { } service)
        {
            return new SchedulerWake(false, cluster.Scope.ServiceArn(cluster.ResourceId, service));
        }
        return TaskGroups.DaemonNameOf(changed.Group) is { } daemon
            ? new SchedulerWake(false, DaemonArns.Daemon(cluster.Scope, cluster.ResourceId, daemon))
            : None;
    }
}
