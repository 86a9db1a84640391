using Berth.Control.Observability;
using Berth.Core.Ecs;
using Berth.Core.Metrics;
using Berth.Core.Tasks;
using Berth.Server.Controllers;
using Berth.Store;
using Berth.Store.Metrics;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Metrics;

/// <summary>
/// Publishes the ECS/ContainerInsights task and service counts of every cluster with Container Insights on,
/// once per minute as ECS does: the first check in a minute reads each such cluster and writes its counts for
/// that minute. Turning the setting on (UpdateClusterSettings) takes effect at the next check, within 10 s. Minutes and
/// checks run on the <see cref="MetricClock"/>.
/// </summary>
internal sealed class ContainerInsightsPublisher(
    IStateStore state, IMetricStore store, MetricClock clock, ILogger<ContainerInsightsPublisher> logger)
    : PeriodicController(Interval, clock, logger)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>Every task status but STOPPED: stopped tasks stay listed for an hour and count for nothing.</summary>
    private static readonly IReadOnlyList<string> LiveStatuses = TaskStatuses.All.Where(s => s != TaskStatuses.Stopped).ToList();

    private readonly HashSet<string> _published = new(StringComparer.Ordinal);
    private DateTimeOffset _minute;

    protected override Task RunPassAsync(CancellationToken cancellationToken) =>
        PublishAsync(MetricRetention.Floor(Time.GetUtcNow(), 60), cancellationToken);

    /// <summary>Each enabled cluster once per minute; a cluster enabled mid-minute is published at the next check.</summary>
    private async Task PublishAsync(DateTimeOffset minute, CancellationToken cancellationToken)
    {
        if (minute != _minute)
        {
            _minute = minute;
            _published.Clear();
        }
        var clusters = await state.QueryAsync(EcsRecords.Clusters, new RecordQuery(EcsRecords.Clusters.Kind, null), cancellationToken).ConfigureAwait(false);
        foreach (var cluster in clusters.Select(c => c.Value).Where(ContainerInsights.IsEnabled))
        {
            if (_published.Contains(cluster.ClusterArn!))
            {
                continue;
            }
            var snapshot = await ReadAsync(cluster, cancellationToken).ConfigureAwait(false);
            var points = ContainerInsights.Count(snapshot, minute);
            await store.PutAsync(points[0].Scope, points.Select(p => p.Point).ToList(), cancellationToken).ConfigureAwait(false);
            _published.Add(cluster.ClusterArn!);
        }
    }

    private async Task<ClusterCountSnapshot> ReadAsync(Cluster cluster, CancellationToken cancellationToken)
    {
        var arn = cluster.ClusterArn!;
        var services = await state.QueryAsync(EcsRecords.Services, new RecordQuery(EcsRecords.ServiceKind, arn), cancellationToken).ConfigureAwait(false);
        var instances = await state.QueryAsync(EcsRecords.ContainerInstances, new RecordQuery(EcsRecords.ContainerInstanceKind, arn), cancellationToken).ConfigureAwait(false);
        var tasks = new List<EcsTask>();
        foreach (var status in LiveStatuses)
        {
            // Task sort keys start with the status, so each status is one index range.
            var query = new RecordQuery(EcsRecords.TaskKind, arn) { SortKeyPrefix = status + " " };
            tasks.AddRange((await state.QueryAsync(EcsRecords.Tasks, query, cancellationToken).ConfigureAwait(false)).Select(t => t.Value));
        }
        return new ClusterCountSnapshot(cluster, services.Select(s => s.Value.Service).ToList(), tasks, instances.Select(i => i.Value.Instance).ToList());
    }
}
