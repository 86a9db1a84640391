using System.Text.Json.Serialization;

namespace Berth.Core.Networking;

/// <summary>
/// What an agent needs to give an awsvpc task its network: the subnet (which it turns into a Docker network of
/// that CIDR), the address and MAC the server allocated, and the task's security groups in full, so the agent
/// can enforce their ingress rules among the tasks it runs.
/// </summary>
public sealed record TaskNetworkAssignment
{
    [JsonPropertyName("subnetId")] public required string SubnetId { get; init; }
    [JsonPropertyName("cidrBlock")] public required string CidrBlock { get; init; }
    [JsonPropertyName("privateIPv4Address")] public required string PrivateIPv4Address { get; init; }
    [JsonPropertyName("macAddress")] public required string MacAddress { get; init; }
    [JsonPropertyName("securityGroups")] public required IReadOnlyList<SecurityGroup> SecurityGroups { get; init; }
}
