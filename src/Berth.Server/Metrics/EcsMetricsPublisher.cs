using Berth.Control.Observability;
using Berth.Control.Utilization;
using Berth.Core.ContainerInstances;
using Berth.Core.Tasks;
using Berth.Server.Controllers;
using Berth.Store;
using Berth.Store.Metrics;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Metrics;

/// <summary>
/// Writes AWS/ECS utilization metrics once their minute is over. A minute is published <see cref="Grace"/>
/// after it ends, so samples sent at its very end (agents report every 10 s) still count; both, and the passes, run on
/// the <see cref="MetricClock"/>. Each round also counts tasks by state and connected agents for the server's own
/// <c>/metrics</c>.
/// </summary>
internal sealed class EcsMetricsPublisher(
    UtilizationSamples samples, IMetricStore store, IStateStore state, AgentLiveness liveness, TimeProvider time, MetricClock clock,
    ILogger<EcsMetricsPublisher> logger)
    : PeriodicController(Interval, clock, logger)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        // Minutes that began before (now - grace - 1 min) have ended at least `Grace` ago.
        var points = await samples.DrainAsync(Time.GetUtcNow() - Grace - TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false);
        foreach (var scope in points.GroupBy(p => p.Scope))
        {
            await store.PutAsync(scope.Key, scope.Select(p => p.Point).ToList(), cancellationToken).ConfigureAwait(false);
        }
        await CountAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CountAsync(CancellationToken cancellationToken)
    {
        var byState = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var status in TaskStatuses.All)
        {
            // Task sort keys start with the status, so each count is one index range.
            byState[status] = await state.CountAsync(new RecordQuery(EcsRecords.TaskKind, null) { SortKeyPrefix = status + " " }, cancellationToken).ConfigureAwait(false);
        }
        ServerMetrics.SetTaskCounts(byState);
        var instances = await state.QueryAsync(EcsRecords.ContainerInstances, new RecordQuery(EcsRecords.ContainerInstanceKind, null), cancellationToken).ConfigureAwait(false);
        var lastSeen = await state.LastSeenTimesAsync(null, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        ServerMetrics.SetAgentsConnected(instances.Count(i => i.Value.Instance.Status is "ACTIVE" or "DRAINING" && liveness.IsConnected(lastSeen.Of(i.Id), now)));
    }
}
