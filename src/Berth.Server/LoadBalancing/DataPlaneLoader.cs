using Berth.Control.LoadBalancing;
using Berth.Core.Elb;
using Berth.Store;

namespace Berth.Server.LoadBalancing;

/// <summary>Reads every listener, rule and target group and builds the proxy's <see cref="DataPlaneSnapshot"/>.</summary>
internal sealed class DataPlaneLoader(IStateStore store, ElbLookup lookup, TimeProvider time)
{
    /// <summary>Endpoints by group and target, carried from one snapshot to the next so in-flight counts survive.</summary>
    private Dictionary<(string, TargetKey), TargetEndpoint> _endpoints = [];

    public async Task<DataPlaneSnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        var topology = await lookup.TopologyAsync(cancellationToken).ConfigureAwait(false);
        var groups = await store.QueryAsync(ElbRecords.TargetGroups, new RecordQuery(ElbRecords.TargetGroups.Kind, null), cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();

        var endpoints = new Dictionary<(string, TargetKey), TargetEndpoint>();
        var routes = new Dictionary<string, TargetGroupRoute>(StringComparer.Ordinal);
        foreach (var record in groups.Select(g => g.Value))
        {
            var group = record.TargetGroup;
            var active = new List<TargetEndpoint>();
            foreach (var target in record.Targets.Where(t => t.IsRegisteredAt(now) && !t.IsDraining(now)))
            {
                var key = (group.TargetGroupArn!, target.Key);
                var endpoint = _endpoints.GetValueOrDefault(key) ?? new TargetEndpoint(group.TargetGroupArn!, target.Key, AddressOf(group, target));
                endpoints[key] = endpoint;
                active.Add(endpoint);
            }
            var lor = TargetGroupAttributes.AlgorithmOf(record.Attributes) == TargetGroupAttributes.LeastOutstandingRequests;
            routes[group.TargetGroupArn!] = new TargetGroupRoute(group, active, lor, topology.LoadBalancersOf(group.TargetGroupArn!).Count > 0);
        }
        _endpoints = endpoints;

        var rulesByListener = topology.Rules.ToLookup(r => ElbTopology.ListenerArnOf(r.Rule.RuleArn!), StringComparer.Ordinal);
        var listeners = topology.Listeners.ToDictionary(
            l => l.Listener.Port!.Value,
            l => new ListenerRoute(l.Listener.LoadBalancerArn!, new ListenerRouting(
                rulesByListener[l.Listener.ListenerArn!].OrderBy(r => r.Priority).Select(RuleConditions.ToRoutingRule).ToList(),
                ElbActionRules.ForwardTargetOf(l.Listener.DefaultActions))));
        return new DataPlaneSnapshot(listeners, routes);
    }

    /// <summary>ip targets are reached at their address; instance targets run on this host (Berth's container instances are local).</summary>
    private static string AddressOf(TargetGroup group, RegisteredTarget target) => group.TargetType == "ip" ? target.Id : "127.0.0.1";
}
