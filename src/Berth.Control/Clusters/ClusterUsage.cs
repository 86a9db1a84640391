using Berth.Core.Clusters;
using Berth.Core.Ecs;
using Berth.Core.Tasks;
using Berth.Store;

namespace Berth.Control.Clusters;

/// <summary>
/// The counts a cluster reports, read from the records that live in the cluster's scope. Tasks, services
/// and container instances carry their status first in their sort key, so each count is one index range.
/// </summary>
public sealed record ClusterUsage(int RegisteredContainerInstances, int RunningTasks, int PendingTasks, int ActiveServices, int DrainingServices)
{
    public static async Task<ClusterUsage> ReadAsync(IStateStore store, string clusterArn, CancellationToken cancellationToken)
    {
        Task<int> Count(string kind, string? statusPrefix) =>
            store.CountAsync(new RecordQuery(kind, clusterArn) { SortKeyPrefix = statusPrefix }, cancellationToken);

        var instances = await Count(EcsRecords.ContainerInstanceKind, null).ConfigureAwait(false);
        var running = await Count(EcsRecords.TaskKind, TaskStatuses.Running + " ").ConfigureAwait(false);
        // ECS counts a task as pending from creation until it runs: the same statuses the STATISTICS counts use.
        var pending = 0;
        foreach (var status in TaskStatuses.All.Where(TaskStatuses.IsPending))
        {
            pending += await Count(EcsRecords.TaskKind, status + " ").ConfigureAwait(false);
        }
        var services = await Count(EcsRecords.ServiceKind, "ACTIVE ").ConfigureAwait(false);
        var draining = await Count(EcsRecords.ServiceKind, "DRAINING ").ConfigureAwait(false);
        return new ClusterUsage(instances, running, pending, services, draining);
    }

    /// <summary>
    /// The per-launch-type counts need each record's launch type, so they read the live tasks and services rather than
    /// count index ranges; DescribeClusters reads them only when <c>include</c> asks for STATISTICS.
    /// </summary>
    public static async Task<ClusterStatistics> ReadStatisticsAsync(IStateStore store, string clusterArn, CancellationToken cancellationToken)
    {
        var tasks = new List<EcsTask>();
        foreach (var status in TaskStatuses.All.Where(s => s == TaskStatuses.Running || TaskStatuses.IsPending(s)))
        {
            var found = await store.QueryAsync(EcsRecords.Tasks, new RecordQuery(EcsRecords.TaskKind, clusterArn) { SortKeyPrefix = status + " " }, cancellationToken)
                .ConfigureAwait(false);
            tasks.AddRange(found.Select(t => t.Value));
        }
        var services = await store.QueryAsync(EcsRecords.Services, new RecordQuery(EcsRecords.ServiceKind, clusterArn), cancellationToken).ConfigureAwait(false);
        return ClusterStatistics.Of(tasks, services.Select(s => s.Value.Service));
    }

    public Cluster ApplyTo(Cluster cluster) => cluster with
    {
        RegisteredContainerInstancesCount = RegisteredContainerInstances,
        RunningTasksCount = RunningTasks,
        PendingTasksCount = PendingTasks,
        ActiveServicesCount = ActiveServices,
    };
}
