namespace Berth.Core.Elb;

/// <summary>A stored load balancer: the wire shape as DescribeLoadBalancers shows it, and its tags.</summary>
public sealed record LoadBalancerRecord(LoadBalancer LoadBalancer, IReadOnlyList<Tag> Tags);

/// <summary>A stored listener and its tags.</summary>
public sealed record ListenerRecord(Listener Listener, IReadOnlyList<Tag> Tags);

/// <summary>A stored non-default rule and its tags (a listener's default rule is derived from its default actions).</summary>
public sealed record RuleRecord(Rule Rule, int Priority, IReadOnlyList<Tag> Tags);

/// <summary>
/// A stored target group with everything that changes with it: attributes, registered targets (so a
/// registration is one guarded write), and tags.
/// </summary>
public sealed record TargetGroupRecord(
    TargetGroup TargetGroup,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<RegisteredTarget> Targets,
    IReadOnlyList<Tag> Tags);

/// <summary>
/// A target as registered: its id (an IP address, or an instance id), the port traffic goes to, and, once
/// deregistered, when its draining ends. A draining target takes no new requests; past
/// <see cref="DrainingUntil"/> it is gone (it is dropped from the record at the next write).
/// </summary>
public sealed record RegisteredTarget(string Id, int Port, string? AvailabilityZone, DateTimeOffset RegisteredAt)
{
    public DateTimeOffset? DrainingUntil { get; init; }

    public bool IsRegisteredAt(DateTimeOffset now) => DrainingUntil is not { } until || until > now;

    public bool IsDraining(DateTimeOffset now) => DrainingUntil is { } until && until > now;

    public TargetKey Key => new(Id, Port);
}

/// <summary>ELB tells targets apart by id and port: one instance may be registered on several ports.</summary>
public readonly record struct TargetKey(string Id, int Port)
{
    public override string ToString() => $"{Id}:{Port}";
}

/// <summary>
/// Reserves a unique name (a load balancer's or target group's within a region) or a listener's loopback
/// port: written with expected version 0 in the same commit as the resource, so two racing creations
/// conflict instead of both succeeding.
/// </summary>
public sealed record ElbClaim(string OwnerArn);
