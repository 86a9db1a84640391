using System.Text.Json.Serialization;
using Berth.Core.Ecs;

namespace Berth.Core.Events;

/// <summary>The detail of an <see cref="EcsEventTypes.ServiceEvent"/>: a service event and where it belongs.</summary>
internal sealed record ServiceEventDetail
{
    [JsonPropertyName("clusterArn")] public required string ClusterArn { get; init; }
    [JsonPropertyName("serviceArn")] public required string ServiceArn { get; init; }
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("createdAt")] public DateTimeOffset? CreatedAt { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}

/// <summary>The detail of an <see cref="EcsEventTypes.DeploymentStateChange"/>, with EventBridge's member names.</summary>
internal sealed record DeploymentStateChangeDetail
{
    [JsonPropertyName("eventType")] public required string EventType { get; init; }
    [JsonPropertyName("eventName")] public required string EventName { get; init; }
    [JsonPropertyName("deploymentId")] public string? DeploymentId { get; init; }
    [JsonPropertyName("updatedAt")] public DateTimeOffset? UpdatedAt { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
}

/// <summary>JSON contracts of event details: the wire's conventions (epoch-second timestamps, no nulls).</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = new[] { typeof(EpochSecondsConverter) })]
[JsonSerializable(typeof(ServiceEventDetail))]
[JsonSerializable(typeof(DeploymentStateChangeDetail))]
internal sealed partial class EventJsonContext : JsonSerializerContext;
