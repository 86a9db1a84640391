using System.Text.Json.Serialization;
using Berth.Core.Errors;

namespace Berth.Core.Networking;

/// <summary>
/// The subnets and security groups awsvpc tasks can name. Berth seeds <see cref="Default"/>; a JSON file of
/// the same shape (<c>berth server --vpc-config</c>) adds more. The records are stored one by one, so an
/// EC2-compatible API can later create, change and delete them the same way. A list left out of the file
/// reads as empty (the JSON source generator sets every init member, absent ones to null).
/// </summary>
public sealed record NetworkRegistry
{
    public const string DefaultVpcId = "vpc-berth-local";

    [JsonPropertyName("subnets")] public IReadOnlyList<Subnet> Subnets { get; init => field = value ?? []; } = [];
    [JsonPropertyName("securityGroups")] public IReadOnlyList<SecurityGroup> SecurityGroups { get; init => field = value ?? []; } = [];

    /// <summary>
    /// A default VPC (10.200.0.0/16) with two subnets, its default group (all traffic from members of the group,
    /// as EC2's default security group allows) and <c>sg-web</c> (HTTP from anywhere).
    /// </summary>
    public static NetworkRegistry Default { get; } = new()
    {
        Subnets =
        [
            new Subnet { SubnetId = "subnet-local-a", VpcId = DefaultVpcId, CidrBlock = "10.200.1.0/24", AvailabilityZone = "local-1a" },
            new Subnet { SubnetId = "subnet-local-b", VpcId = DefaultVpcId, CidrBlock = "10.200.2.0/24", AvailabilityZone = "local-1b" },
        ],
        SecurityGroups =
        [
            new SecurityGroup
            {
                GroupId = "sg-berth-default",
                GroupName = SecurityGroup.DefaultGroupName,
                VpcId = DefaultVpcId,
                Description = "default VPC security group",
                IpPermissions = [new IpPermission { IpProtocol = IpPermission.AllProtocols, SourceGroupIds = ["sg-berth-default"] }],
            },
            new SecurityGroup
            {
                GroupId = "sg-web",
                GroupName = "web",
                VpcId = DefaultVpcId,
                Description = "HTTP from anywhere",
                IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 80, ToPort = 80, CidrIps = ["0.0.0.0/0"] }],
            },
        ],
    };

    public Subnet? FindSubnet(string id) => Subnets.FirstOrDefault(s => s.SubnetId == id);

    public SecurityGroup? FindSecurityGroup(string id) => SecurityGroups.FirstOrDefault(g => g.GroupId == id);

    /// <summary>These records, with <paramref name="more"/> replacing any of the same id.</summary>
    public NetworkRegistry With(NetworkRegistry more) => new()
    {
        Subnets = [.. Subnets.Where(s => more.FindSubnet(s.SubnetId) is null), .. more.Subnets],
        SecurityGroups = [.. SecurityGroups.Where(g => more.FindSecurityGroup(g.GroupId) is null), .. more.SecurityGroups],
    };

    /// <summary>
    /// The checks EC2 makes when these are created: well-formed CIDR blocks no larger than /16 and no smaller
    /// than /28, no overlap inside a VPC, rules with a known protocol, a valid port range and existing sources.
    /// </summary>
    public void Validate()
    {
        foreach (var subnet in Subnets)
        {
            if (!Ipv4Cidr.TryParse(subnet.CidrBlock, out var cidr) || cidr.PrefixLength is < 16 or > 28)
            {
                throw new InvalidParameterException($"Subnet {subnet.SubnetId}: the CIDR '{subnet.CidrBlock}' is invalid (a block between /16 and /28 is required).");
            }
        }
        for (var i = 0; i < Subnets.Count; i++)
        {
            var later = Subnets[i];
            var clash = Subnets.Take(i).FirstOrDefault(o => o.VpcId == later.VpcId && o.Cidr.Overlaps(later.Cidr));
            if (clash is not null)
            {
                throw new InvalidParameterException($"Subnet {later.SubnetId}: the CIDR '{later.CidrBlock}' conflicts with subnet {clash.SubnetId} ({clash.CidrBlock}).");
            }
        }
        foreach (var id in Subnets.GroupBy(s => s.SubnetId).Where(g => g.Count() > 1).Select(g => g.Key)
            .Concat(SecurityGroups.GroupBy(g => g.GroupId).Where(g => g.Count() > 1).Select(g => g.Key)))
        {
            throw new InvalidParameterException($"'{id}' is defined more than once.");
        }
        foreach (var group in SecurityGroups)
        {
            foreach (var permission in group.IpPermissions)
            {
                ValidatePermission(group, permission);
            }
        }
    }

    private void ValidatePermission(SecurityGroup group, IpPermission permission)
    {
        if (permission.IpProtocol is not ("tcp" or "udp" or "icmp" or IpPermission.AllProtocols))
        {
            throw new InvalidParameterException($"Security group {group.GroupId}: invalid ipProtocol '{permission.IpProtocol}' (tcp, udp, icmp or -1).");
        }
        if (permission.IpProtocol is "tcp" or "udp"
            && (permission.FromPort is not (>= 0 and <= 65535) || permission.ToPort is not (>= 0 and <= 65535) || permission.FromPort > permission.ToPort))
        {
            throw new InvalidParameterException($"Security group {group.GroupId}: a {permission.IpProtocol} rule needs 0 <= fromPort <= toPort <= 65535.");
        }
        foreach (var cidr in permission.CidrIps)
        {
            if (!Ipv4Cidr.TryParse(cidr, out _))
            {
                throw new InvalidParameterException($"Security group {group.GroupId}: invalid CIDR '{cidr}'.");
            }
        }
        foreach (var source in permission.SourceGroupIds)
        {
            if (FindSecurityGroup(source) is null)
            {
                throw new InvalidParameterException($"Security group {group.GroupId}: the source group '{source}' does not exist.");
            }
        }
    }
}
