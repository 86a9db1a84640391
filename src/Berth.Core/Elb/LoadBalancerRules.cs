using Berth.Core.Arns;
using Berth.Core.Errors;

namespace Berth.Core.Elb;

/// <summary>CreateLoadBalancer: what Berth supports and how a new load balancer looks.</summary>
public static class LoadBalancerRules
{
    /// <summary>
    /// Application load balancers only. The DNS name follows ELB's <c>{name}-{id}.{region}.elb.amazonaws.com</c>
    /// under <c>.elb.localhost</c>: it names the load balancer, but clients reach its listeners at
    /// 127.0.0.1:{listener port} (*.localhost resolves to loopback on most systems).
    /// </summary>
    public static LoadBalancer NewLoadBalancer(CreateLoadBalancerInput request, ResourceScope scope, string id, DateTimeOffset now)
    {
        var type = request.Type ?? "application";
        if (type != "application")
        {
            throw new QueryUnsupportedException($"Berth supports application load balancers only; type '{type}' is not implemented yet.");
        }
        var subnets = request.Subnets ?? request.SubnetMappings?.Select(m => m.SubnetId).OfType<string>().ToList() ?? [];
        return new LoadBalancer
        {
            LoadBalancerArn = ElbArns.LoadBalancer(scope, request.Name!, id),
            DNSName = $"{request.Name}-{id}.{scope.Region}.elb.localhost".ToLowerInvariant(),
            CanonicalHostedZoneId = "Z0BERTHLOCAL",
            CreatedTime = now,
            LoadBalancerName = request.Name,
            Scheme = request.Scheme ?? "internet-facing",
            VpcId = ElbNames.LocalVpcId,
            // Nothing to provision: a Berth load balancer is a set of loopback listeners, active at once.
            State = new LoadBalancerState { Code = "active" },
            Type = type,
            AvailabilityZones = subnets.Select(s => new AvailabilityZone { ZoneName = $"{scope.Region}a", SubnetId = s }).ToList(),
            SecurityGroups = request.SecurityGroups ?? [],
            IpAddressType = request.IpAddressType ?? "ipv4",
        };
    }
}
