using System.Text.Json.Serialization;

namespace Berth.Core.Networking;

/// <summary>
/// An address some container really holds on a subnet's Docker network (<c>berth-&lt;subnetId&gt;</c>), as an agent
/// sees its engine: <see cref="TaskArn"/> is the container's task label, null for a container Berth did not make.
/// </summary>
public sealed record AttachedAddress(
    [property: JsonPropertyName("subnetId")] string SubnetId,
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("taskArn")] string? TaskArn);
