using Berth.Control.Clusters;
using Berth.Control.Observability;
using Berth.Core.Arns;
using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Core.Metrics;
using Berth.Server.Controllers;
using Berth.Store;
using Berth.Store.Metrics;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Metrics;

/// <summary>
/// Publishes <see cref="CapacityProviderReservation"/> once a metric minute for every cluster and each of its capacity
/// providers with managed scaling ENABLED, from the group's ACTIVE instances and the tasks placed on them.
/// </summary>
internal sealed class ManagedScalingPublisher(ClusterState clusters, IMetricStore store, MetricClock clock, ILogger<ManagedScalingPublisher> logger)
    : PeriodicController(TimeSpan.FromMinutes(1), clock, logger)
{
    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var state = clusters.Store;
        var managed = (await state.QueryAsync(EcsRecords.CapacityProviders, new RecordQuery(EcsRecords.CapacityProviders.Kind, null), cancellationToken)
                .ConfigureAwait(false))
            .Where(p => CapacityProviderReservation.IsManaged(p.Value))
            .ToDictionary(p => p.Id, p => p.Value, StringComparer.Ordinal);
        if (managed.Count == 0)
        {
            return;
        }
        var minute = MetricRetention.Floor(Time.GetUtcNow(), 60);
        var all = await state.QueryAsync(EcsRecords.Clusters, new RecordQuery(EcsRecords.Clusters.Kind, null), cancellationToken).ConfigureAwait(false);
        foreach (var cluster in all.Select(c => c.Value).Where(c => c.Status == "ACTIVE"))
        {
            if (!EcsArn.TryParse(cluster.ClusterArn, out var clusterArn))
            {
                continue;
            }
            var providers = (cluster.CapacityProviders ?? [])
                .Select(name => managed.GetValueOrDefault(clusterArn.Scope.CapacityProviderArn(name)))
                .OfType<CapacityProvider>()
                .ToList();
            if (providers.Count == 0)
            {
                continue;
            }
            var active = (await clusters.InstancesAsync(cluster.ClusterArn!, cancellationToken).ConfigureAwait(false))
                .Where(i => i.Value.Instance.Status == "ACTIVE")
                .ToList();
            var points = new List<MetricPoint>();
            foreach (var provider in providers)
            {
                var group = CapacityProviderRules.GroupOf(provider);
                var instances = active.Where(i => AutoScalingGroup.IsMember(i.Value.Instance.Attributes, group)).ToList();
                var withTasks = 0;
                foreach (var instance in instances)
                {
                    withTasks += (await clusters.ClaimsAsync(instance.Id, cancellationToken).ConfigureAwait(false)).Count > 0 ? 1 : 0;
                }
                points.Add(CapacityProviderReservation.Point(cluster.ClusterName!, provider.Name!, minute, CapacityProviderReservation.Value(instances.Count, withTasks)));
            }
            await store.PutAsync(MetricScopes.Of(clusterArn.Scope), points, cancellationToken).ConfigureAwait(false);
        }
    }
}
