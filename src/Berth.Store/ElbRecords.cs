using System.Globalization;
using Berth.Core.Elb;

namespace Berth.Store;

/// <summary>
/// The kinds of ELBv2 records and how each is addressed. Ids are ARNs. Load balancers and target groups
/// are scoped to the account-region ARN prefix (<see cref="ElbArns.Prefix"/>), listeners to their load
/// balancer, rules to their listener.
/// </summary>
public static class ElbRecords
{
    /// <summary>Sort key: name.</summary>
    public static readonly RecordType<LoadBalancerRecord> LoadBalancers = new("elb-load-balancer", ElbStateJsonContext.Default);

    /// <summary>Sort key: name.</summary>
    public static readonly RecordType<TargetGroupRecord> TargetGroups = new("elb-target-group", ElbStateJsonContext.Default);

    /// <summary>Scope: load balancer ARN; sort key: <see cref="PortSortKey"/>.</summary>
    public static readonly RecordType<ListenerRecord> Listeners = new("elb-listener", ElbStateJsonContext.Default);

    /// <summary>Scope: listener ARN; sort key: <see cref="PrioritySortKey"/>, so a listener's rules list in evaluation order.</summary>
    public static readonly RecordType<RuleRecord> Rules = new("elb-rule", ElbStateJsonContext.Default);

    /// <summary>Id: <see cref="NameClaimId"/> or <see cref="PortClaimId"/>; scope and sort key: the id.</summary>
    public static readonly RecordType<ElbClaim> Claims = new("elb-claim", ElbStateJsonContext.Default);

    public static string PortSortKey(int port) => port.ToString("D5", CultureInfo.InvariantCulture);

    public static string PrioritySortKey(int priority) => priority.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>Names are unique per kind within a region (<paramref name="scopePrefix"/>).</summary>
    public static string NameClaimId(string scopePrefix, string kind, string name) => $"{scopePrefix}:{kind}-name/{name}";

    /// <summary>Every listener binds 127.0.0.1, so a port is unique across all load balancers, regions included.</summary>
    public static string PortClaimId(int port) => $"listener-port/{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Rule priorities are unique per listener.</summary>
    public static string PriorityClaimId(string listenerArn, int priority) => $"{listenerArn}/priority/{priority.ToString(CultureInfo.InvariantCulture)}";

    public static PutRecord Claim(string id, string ownerArn) => Claims.Put(id, id, id, new ElbClaim(ownerArn), expectedVersion: 0);
}
