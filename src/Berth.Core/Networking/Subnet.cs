using System.Text.Json.Serialization;

namespace Berth.Core.Networking;

/// <summary>
/// A subnet tasks in awsvpc mode take their address from. Member names are EC2's (DescribeSubnets), so an
/// EC2-compatible API can later create and list these records as they are.
/// </summary>
public sealed record Subnet
{
    [JsonPropertyName("subnetId")] public required string SubnetId { get; init; }
    [JsonPropertyName("vpcId")] public required string VpcId { get; init; }
    [JsonPropertyName("cidrBlock")] public required string CidrBlock { get; init; }
    [JsonPropertyName("availabilityZone")] public string? AvailabilityZone { get; init; }

    [JsonIgnore] public Ipv4Cidr Cidr => Ipv4Cidr.TryParse(CidrBlock, out var cidr) ? cidr : throw new FormatException($"Subnet {SubnetId} has an invalid cidrBlock '{CidrBlock}'.");
}
