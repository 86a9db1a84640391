using System.Net;
using System.Net.Sockets;
using Berth.Core.Elb;
using Berth.Store;

namespace Berth.Control.LoadBalancing;

/// <summary>
/// Registration and health of targets: behind RegisterTargets, DeregisterTargets and DescribeTargetHealth,
/// and the in-process <see cref="ILoadBalancerTargets"/> for the service scheduler.
/// </summary>
public sealed class TargetRegistrations(ElbLookup lookup, TargetHealthRegistry health, ElbChanges changes, TimeProvider time) : ILoadBalancerTargets
{
    private IStateStore Store => lookup.Store;

    public async Task RegisterAsync(string targetGroupArn, IReadOnlyList<TargetDescription> targets, CancellationToken cancellationToken)
    {
        var added = new List<TargetKey>();
        await ChangeTargetsAsync(targetGroupArn, (group, current, now) =>
        {
            added.Clear();
            var requested = targets.Select(t => Resolve(group.TargetGroup, t)).ToList();
            var keys = requested.Select(t => t.Key).ToHashSet();
            // A target already registered keeps its registration (and health); a draining one starts over.
            var kept = current.Where(t => !keys.Contains(t.Key) || !t.IsDraining(now)).ToDictionary(t => t.Key);
            foreach (var target in requested)
            {
                if (kept.TryAdd(target.Key, target with { RegisteredAt = now }))
                {
                    added.Add(target.Key);
                }
            }
            return kept.Values.OrderBy(t => t.RegisteredAt).ToList();
        }, cancellationToken).ConfigureAwait(false);
        foreach (var key in added)
        {
            health.Forget(targetGroupArn, key);
        }
        changes.Notify();
    }

    public async Task DeregisterAsync(string targetGroupArn, IReadOnlyList<TargetDescription> targets, CancellationToken cancellationToken)
    {
        await ChangeTargetsAsync(targetGroupArn, (group, current, now) =>
        {
            var keys = targets.Select(t => Resolve(group.TargetGroup, t).Key).ToHashSet();
            var missing = keys.Where(k => !current.Any(t => t.Key == k && !t.IsDraining(now))).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidTargetException($"The following targets are not registered in target group: {string.Join(", ", missing)}");
            }
            var drainUntil = now + TargetGroupAttributes.DeregistrationDelayOf(group.Attributes);
            return current.Select(t => keys.Contains(t.Key) ? t with { DrainingUntil = drainUntil } : t).ToList();
        }, cancellationToken).ConfigureAwait(false);
        changes.Notify();
    }

    public async Task<IReadOnlyList<TargetHealthDescription>> DescribeHealthAsync(
        string targetGroupArn, IReadOnlyList<TargetDescription> targets, CancellationToken cancellationToken)
    {
        var group = (await lookup.TargetGroupAsync(targetGroupArn, cancellationToken).ConfigureAwait(false)).Value;
        var topology = await lookup.TopologyAsync(cancellationToken).ConfigureAwait(false);
        var inUse = topology.LoadBalancersOf(targetGroupArn).Count > 0;
        var now = time.GetUtcNow();
        var registered = group.Targets.Where(t => t.IsRegisteredAt(now)).ToDictionary(t => t.Key);
        var asked = targets.Count > 0 ? targets.Select(t => Resolve(group.TargetGroup, t)).ToList() : registered.Values.ToList();
        return asked.Select(target =>
        {
            var found = registered.GetValueOrDefault(target.Key);
            return new TargetHealthDescription
            {
                Target = new TargetDescription { Id = target.Id, Port = target.Port, AvailabilityZone = target.AvailabilityZone },
                HealthCheckPort = TargetGroupRules.HealthCheckPortOf(group.TargetGroup, target.Port).ToString(System.Globalization.CultureInfo.InvariantCulture),
                TargetHealth = TargetHealthView.Describe(found, inUse, group.TargetGroup.HealthCheckEnabled != false, health.Get(targetGroupArn, target.Key), now),
            };
        }).ToList();
    }

    /// <summary>Read-modify-write of a group's targets; targets whose draining is over are dropped on the way.</summary>
    private async Task<IReadOnlyList<RegisteredTarget>> ChangeTargetsAsync(
        string targetGroupArn,
        Func<TargetGroupRecord, IReadOnlyList<RegisteredTarget>, DateTimeOffset, IReadOnlyList<RegisteredTarget>> change,
        CancellationToken cancellationToken) =>
        await Store.RetryOnConflictAsync(async ct =>
        {
            var current = await lookup.TargetGroupAsync(targetGroupArn, ct).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var targets = change(current.Value, current.Value.Targets.Where(t => t.IsRegisteredAt(now)).ToList(), now);
            var next = current.Value with { Targets = targets };
            await Store.CommitAsync([ElbRecords.TargetGroups.Put(current.Id, ElbArns.PrefixOf(current.Id), current.SortKey, next, current.Version)], ct).ConfigureAwait(false);
            return targets;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// ip targets are IPv4 addresses; instance targets are instance ids (Berth's container instances run
    /// on this host, so their targets are reached at 127.0.0.1). The port defaults to the group's.
    /// </summary>
    private static RegisteredTarget Resolve(TargetGroup group, TargetDescription target)
    {
        var id = target.Id;
        if (string.IsNullOrEmpty(id))
        {
            throw new Berth.Core.Errors.QueryValidationException("Every target needs an Id.");
        }
        if (group.TargetType == "ip" && !(IPAddress.TryParse(id, out var address) && address.AddressFamily == AddressFamily.InterNetwork))
        {
            throw new InvalidTargetException($"The IP address '{id}' is not a valid IPv4 address.");
        }
        var port = target.Port ?? group.Port ?? 0;
        if (port is < 1 or > 65535)
        {
            throw new InvalidTargetException($"Port {port} of target '{id}' must be between 1 and 65535.");
        }
        return new RegisteredTarget(id, port, target.AvailabilityZone, DateTimeOffset.MinValue);
    }
}
