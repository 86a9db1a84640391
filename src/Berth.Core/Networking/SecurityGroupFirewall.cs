namespace Berth.Core.Networking;

/// <summary>A task address on an instance and the security groups it carries.</summary>
public sealed record FirewallEndpoint(string Address, IReadOnlyList<SecurityGroup> Groups);

/// <summary>
/// Traffic to <see cref="Destination"/> that its groups admit: from <see cref="Source"/> (a CIDR block), with
/// <see cref="Protocol"/> (null: every protocol) and, for tcp and udp, a destination port in the range.
/// </summary>
public sealed record IngressAllowance(string Destination, string Source, string? Protocol, int? FromPort, int? ToPort);

/// <summary>
/// Turns security groups into the ingress one instance must allow, as a pure function of the awsvpc tasks it
/// runs. Security groups are allow-lists (EC2 user guide, "Security group rules"): an endpoint admits what any
/// of its groups admits and nothing else; a rule whose source is a group admits the addresses of the tasks
/// that carry that group. Replies to connections an endpoint opened are always let back in (groups are
/// stateful), which the agent's rules express once per endpoint.
/// </summary>
public static class SecurityGroupFirewall
{
    public static IReadOnlyList<IngressAllowance> Allowances(IReadOnlyList<FirewallEndpoint> endpoints)
    {
        var allowances = new List<IngressAllowance>();
        var seen = new HashSet<IngressAllowance>();
        foreach (var endpoint in endpoints)
        {
            foreach (var permission in endpoint.Groups.SelectMany(g => g.IpPermissions))
            {
                var members = permission.SourceGroupIds
                    .SelectMany(id => endpoints.Where(e => e.Groups.Any(g => g.GroupId == id)))
                    .Select(e => $"{e.Address}/32");
                var (protocol, from, to) = permission.IpProtocol switch
                {
                    IpPermission.AllProtocols => ((string?)null, (int?)null, (int?)null),
                    "icmp" => ("icmp", null, null),
                    var p => (p, permission.FromPort, permission.ToPort),
                };
                foreach (var source in permission.CidrIps.Concat(members))
                {
                    var allowance = new IngressAllowance(endpoint.Address, source, protocol, from, to);
                    if (seen.Add(allowance))
                    {
                        allowances.Add(allowance);
                    }
                }
            }
        }
        return allowances;
    }
}
