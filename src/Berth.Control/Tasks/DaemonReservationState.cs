using Berth.Control.Capacity;
using Berth.Core.Arns;
using Berth.Core.Capacity;
using Berth.Core.Daemons;
using Berth.Core.Ecs;
using Berth.Core.State;
using Berth.Core.Tasks;
using Berth.Store;

namespace Berth.Control.Tasks;

/// <summary>
/// Reads the daemons a cluster's instances are due (<see cref="DaemonReservations"/>): each ACTIVE daemon of the
/// cluster, what its current revision's task needs, and which of the instances are in the Auto Scaling groups of that
/// revision's capacity providers. A cluster without daemons costs one empty query.
/// </summary>
internal sealed class DaemonReservationState(IStateStore store)
{
    public async Task<IReadOnlyList<DaemonReservations.Due>> DueAsync(
        ResourceScope scope, Cluster cluster, IEnumerable<Versioned<ContainerInstanceRecord>> instances, CancellationToken cancellationToken)
    {
        var query = new RecordQuery(DaemonRecords.Daemons.Kind, scope.EcsArnPrefix) { SortKeyPrefix = DaemonRecords.DaemonSortKey(cluster.ClusterName!, "") };
        var due = new List<DaemonReservations.Due>();
        foreach (var daemon in await store.QueryAsync(DaemonRecords.Daemons, query, cancellationToken).ConfigureAwait(false))
        {
            if (daemon.Value.Status != DaemonRecord.Active || daemon.Value.ClusterArn != cluster.ClusterArn
                || await store.GetAsync(DaemonRecords.Revisions, daemon.Value.RevisionArn, cancellationToken).ConfigureAwait(false) is not { } revision
                || await store.GetAsync(DaemonRecords.TaskDefinitions, revision.Value.Revision.DaemonTaskDefinitionArn!, cancellationToken).ConfigureAwait(false)
                    is not { } definition)
            {
                continue;
            }
            var members = new HashSet<string>(StringComparer.Ordinal);
            foreach (var provider in revision.Value.CapacityProviderArns)
            {
                var name = EcsArn.TryParse(provider, out var arn) ? arn.ResourceId : provider;
                var group = await CapacityProviderState.GroupOfAsync(store, scope, name, cancellationToken).ConfigureAwait(false);
                members.UnionWith(instances.Where(i => AutoScalingGroup.IsMember(i.Value.Instance.Attributes, group)).Select(i => i.Id));
            }
            var needs = EcsTaskFactory.Needs(DaemonTaskDefinitions.AsTaskDefinition(definition.Value.Definition), null);
            due.Add(new DaemonReservations.Due(TaskGroups.OfDaemon(daemon.Value.DaemonName), needs, members));
        }
        return due;
    }
}
