using Berth.Control.Observability;
using Berth.Core.Agent;
using Berth.Core.Metrics;
using Berth.Store;

namespace Berth.Control.Utilization;

/// <summary>
/// Agents' resource-use samples on their way to AWS/ECS metrics: each sample is joined with its task's claim (cluster,
/// group, reservation) and buffered, timestamped on the <see cref="MetricClock"/>; <see cref="DrainAsync"/> turns
/// finished minutes into utilization points.
/// </summary>
public sealed class UtilizationSamples(IStateStore store, MetricClock clock)
{
    private readonly Lock _gate = new();
    private readonly UtilizationAggregator _aggregator = new();

    public async Task AddAsync(IReadOnlyList<TaskStatsSample> samples, CancellationToken cancellationToken)
    {
        foreach (var sample in samples)
        {
            var claim = await store.GetAsync(EcsRecords.TaskAssignments, sample.TaskArn, cancellationToken).ConfigureAwait(false);
            // A task's claim lives until the report that records it STOPPED: samples of stopped tasks are dropped.
            if (claim is null)
            {
                continue;
            }
            var task = claim.Value;
            var usage = new TaskUsage(task.TaskArn, task.ClusterArn, ClusterNameOf(task.ClusterArn), task.Group, task.Cpu, task.Memory,
                clock.ToMetric(sample.Timestamp), sample.CpuUnits, sample.MemoryMiB);
            lock (_gate)
            {
                _aggregator.Add(usage);
            }
        }
    }

    /// <summary>The metric points of minutes that began before <paramref name="before"/> (metric time), with each cluster's registered capacity.</summary>
    public async Task<IReadOnlyList<ScopedPoint>> DrainAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        IReadOnlyList<ScopedPoint> points = [];
        var capacities = new Dictionary<string, (double, double)?>(StringComparer.Ordinal);
        // Capacities are read first (I/O), then the drain runs under the lock with them at hand.
        foreach (var clusterArn in ClustersWithSamples())
        {
            capacities[clusterArn] = await CapacityAsync(clusterArn, cancellationToken).ConfigureAwait(false);
        }
        lock (_gate)
        {
            points = _aggregator.Drain(before, arn => capacities.GetValueOrDefault(arn));
        }
        return points;
    }

    private IReadOnlyList<string> ClustersWithSamples()
    {
        lock (_gate)
        {
            return _aggregator.Clusters;
        }
    }

    /// <summary>CPU units and MiB registered by the cluster's ACTIVE and DRAINING instances, as ECS counts them.</summary>
    private async Task<(double Cpu, double Memory)?> CapacityAsync(string clusterArn, CancellationToken cancellationToken)
    {
        var instances = await store.QueryAsync(EcsRecords.ContainerInstances, new RecordQuery(EcsRecords.ContainerInstanceKind, clusterArn), cancellationToken).ConfigureAwait(false);
        double cpu = 0, memory = 0;
        foreach (var instance in instances.Select(i => i.Value.Instance).Where(i => i.Status is "ACTIVE" or "DRAINING"))
        {
            cpu += instance.RegisteredResources?.FirstOrDefault(r => r.Name == "CPU")?.IntegerValue ?? 0;
            memory += instance.RegisteredResources?.FirstOrDefault(r => r.Name == "MEMORY")?.IntegerValue ?? 0;
        }
        return cpu > 0 ? (cpu, memory) : null;
    }

    private static string ClusterNameOf(string clusterArn) => clusterArn[(clusterArn.LastIndexOf('/') + 1)..];
}
