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

/// <summary>
/// The detail of an <see cref="EcsEventTypes.HookStateChange"/>: eventName as the pause-hook guide names it, the rest the
/// hook run as DescribeServiceDeployments' lifecycleHookDetails shows it, with the deployment it holds.
/// </summary>
internal sealed record HookStateChangeDetail
{
    [JsonPropertyName("eventType")] public required string EventType { get; init; }
    [JsonPropertyName("eventName")] public required string EventName { get; init; }
    [JsonPropertyName("clusterArn")] public required string ClusterArn { get; init; }
    [JsonPropertyName("serviceArn")] public required string ServiceArn { get; init; }
    [JsonPropertyName("deploymentId")] public string? DeploymentId { get; init; }
    [JsonPropertyName("serviceDeploymentArn")] public string? ServiceDeploymentArn { get; init; }
    [JsonPropertyName("hookId")] public required string HookId { get; init; }
    [JsonPropertyName("targetType")] public required string TargetType { get; init; }
    [JsonPropertyName("lifecycleStage")] public required string LifecycleStage { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("expiresAt")] public DateTimeOffset? ExpiresAt { get; init; }
    [JsonPropertyName("timeoutAction")] public string? TimeoutAction { get; init; }
}

/// <summary>JSON contracts of event details: the wire's conventions (epoch-second timestamps, no nulls).</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = new[] { typeof(EpochSecondsConverter) })]
[JsonSerializable(typeof(ServiceEventDetail))]
[JsonSerializable(typeof(DeploymentStateChangeDetail))]
[JsonSerializable(typeof(HookStateChangeDetail))]
[JsonSerializable(typeof(TaskStatusPair))]
internal sealed partial class EventJsonContext : JsonSerializerContext;
