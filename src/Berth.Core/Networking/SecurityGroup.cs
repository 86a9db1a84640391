using System.Text.Json.Serialization;

namespace Berth.Core.Networking;

/// <summary>
/// A security group: the ingress it allows to the tasks that carry it (anything else is refused). Member
/// names follow EC2's DescribeSecurityGroups; egress is always open, as with EC2's default egress rule.
/// </summary>
public sealed record SecurityGroup
{
    /// <summary>Every VPC has a group of this name, used when networkConfiguration names none.</summary>
    public const string DefaultGroupName = "default";

    [JsonPropertyName("groupId")] public required string GroupId { get; init; }
    [JsonPropertyName("groupName")] public required string GroupName { get; init; }
    [JsonPropertyName("vpcId")] public required string VpcId { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("ipPermissions")] public IReadOnlyList<IpPermission> IpPermissions { get; init => field = value ?? []; } = [];
}

/// <summary>
/// One ingress rule. <see cref="IpProtocol"/> is tcp, udp, icmp or -1 (everything, ports ignored), as in EC2.
/// Sources are CIDR blocks (<c>ipRanges[].cidrIp</c> in EC2) and groups (<c>userIdGroupPairs[].groupId</c>):
/// a group source admits every task that carries that group. Lists left out of a file read as empty.
/// </summary>
public sealed record IpPermission
{
    public const string AllProtocols = "-1";

    [JsonPropertyName("ipProtocol")] public required string IpProtocol { get; init; }
    [JsonPropertyName("fromPort")] public int? FromPort { get; init; }
    [JsonPropertyName("toPort")] public int? ToPort { get; init; }
    [JsonPropertyName("cidrIps")] public IReadOnlyList<string> CidrIps { get; init => field = value ?? []; } = [];
    [JsonPropertyName("sourceGroupIds")] public IReadOnlyList<string> SourceGroupIds { get; init => field = value ?? []; } = [];
}
