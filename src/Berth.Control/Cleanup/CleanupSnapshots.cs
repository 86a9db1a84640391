using Berth.Control.LoadBalancing;
using Berth.Core.Arns;
using Berth.Core.Cleanup;
using Berth.Core.ContainerInstances;
using Berth.Core.Elb;
using Berth.Core.Logs;
using Berth.Store;
using Berth.Store.Logs;

namespace Berth.Control.Cleanup;

/// <summary>
/// Reads what the clean-up rules (<see cref="CleanupRules"/>) look at, for one account and region: its services,
/// task definitions, load balancers, target groups, log groups and container instances, and every engine's attached
/// addresses with the tasks the server knows (agents and tasks are the server's, whatever the account).
/// </summary>
public sealed class CleanupSnapshots(IStateStore store, ILogStore logs, ElbLookup elb, AgentLiveness liveness, TimeProvider time)
{
    private const int LogGroupPage = 50;

    public async Task<CleanupSnapshot> ReadAsync(ResourceScope scope, CancellationToken cancellationToken)
    {
        var ecs = scope.EcsArnPrefix + ":";
        var elbPrefix = ElbArns.Prefix(scope) + ":";
        var services = await AllAsync(EcsRecords.Services, cancellationToken).ConfigureAwait(false);
        var definitions = await AllAsync(EcsRecords.TaskDefinitions, cancellationToken).ConfigureAwait(false);
        var balancers = await AllAsync(ElbRecords.LoadBalancers, cancellationToken).ConfigureAwait(false);
        var groups = await AllAsync(ElbRecords.TargetGroups, cancellationToken).ConfigureAwait(false);
        var topology = await elb.TopologyAsync(cancellationToken).ConfigureAwait(false);
        var tasks = await store.QueryAsync(EcsRecords.Tasks, new RecordQuery(EcsRecords.TaskKind, null), cancellationToken).ConfigureAwait(false);
        return new CleanupSnapshot(
            [.. services.Select(s => s.Service).Where(s => s.ServiceArn!.StartsWith(ecs, StringComparison.Ordinal))],
            [.. definitions.Select(d => d.Definition).Where(d => d.TaskDefinitionArn!.StartsWith(ecs, StringComparison.Ordinal))],
            [.. balancers.Select(b => b.LoadBalancer).Where(b => b.LoadBalancerArn!.StartsWith(elbPrefix, StringComparison.Ordinal))],
            [.. groups.Where(g => g.TargetGroup.TargetGroupArn!.StartsWith(elbPrefix, StringComparison.Ordinal))
                .Select(g => g with { TargetGroup = g.TargetGroup with { LoadBalancerArns = topology.LoadBalancersOf(g.TargetGroup.TargetGroupArn!) } })],
            await LogGroupsAsync(scope, cancellationToken).ConfigureAwait(false),
            await InstancesAsync(ecs, cancellationToken).ConfigureAwait(false),
            await AllAsync(NetworkRecords.Attachments, cancellationToken).ConfigureAwait(false),
            tasks.Select(t => t.Id).ToHashSet(StringComparer.Ordinal));
    }

    private async Task<IReadOnlyList<T>> AllAsync<T>(RecordType<T> type, CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync(type, new RecordQuery(type.Kind, null), cancellationToken).ConfigureAwait(false)).Select(r => r.Value)];

    private async Task<IReadOnlyList<CleanupLogGroup>> LogGroupsAsync(ResourceScope scope, CancellationToken cancellationToken)
    {
        var all = new List<CleanupLogGroup>();
        string? after = null;
        while (true)
        {
            var page = await logs.ListGroupsAsync(LogScopes.Of(scope), null, after, LogGroupPage, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Select(g => new CleanupLogGroup(g.Name, g.RetentionInDays, g.StoredBytes)));
            if (page.Count < LogGroupPage)
            {
                return all;
            }
            after = page[^1].Name;
        }
    }

    /// <summary>The instances of the scope's clusters (not the managed Fargate pool's, which Berth runs itself), each with its claims counted.</summary>
    private async Task<IReadOnlyList<CleanupInstance>> InstancesAsync(string ecsPrefix, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var instances = new List<CleanupInstance>();
        foreach (var cluster in await AllAsync(EcsRecords.Clusters, cancellationToken).ConfigureAwait(false))
        {
            if (!cluster.ClusterArn!.StartsWith(ecsPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            var records = await store.QueryAsync(EcsRecords.ContainerInstances, new RecordQuery(EcsRecords.ContainerInstances.Kind, cluster.ClusterArn), cancellationToken).ConfigureAwait(false);
            var lastSeen = await store.LastSeenTimesAsync(cluster.ClusterArn, cancellationToken).ConfigureAwait(false);
            foreach (var record in records)
            {
                var claims = await store.QueryAsync(EcsRecords.TaskAssignments, new RecordQuery(EcsRecords.TaskAssignments.Kind, record.Id), cancellationToken).ConfigureAwait(false);
                instances.Add(new CleanupInstance(record.Id, cluster.ClusterArn, record.Value.Instance.Status ?? "ACTIVE",
                    liveness.IsConnected(lastSeen.Of(record.Id), now), lastSeen.Of(record.Id), claims.Count));
            }
        }
        return instances;
    }
}
