using System.Text.Json.Serialization;
using Berth.Core.Ecs;

namespace Berth.Core.Express;

/// <summary>
/// An Express service as Berth keeps it: the ECS service it runs as, the configurations it was given (one per
/// service revision), and the load balancing and scaling resources it provisioned, so that Describe reports them
/// and Delete removes exactly them.
/// </summary>
public sealed record ExpressGatewayRecord
{
    [JsonPropertyName("serviceArn")] public required string ServiceArn { get; init; }
    [JsonPropertyName("clusterArn")] public required string ClusterArn { get; init; }
    [JsonPropertyName("serviceName")] public required string ServiceName { get; init; }
    [JsonPropertyName("infrastructureRoleArn")] public required string InfrastructureRoleArn { get; init; }

    /// <summary>ACTIVE, or DRAINING once deleted; Describe reports INACTIVE when the ECS service has become INACTIVE.</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }

    [JsonPropertyName("resources")] public required ExpressGatewayResources Resources { get; init; }

    /// <summary>Every configuration, oldest first, each with the service revision it deployed.</summary>
    [JsonPropertyName("configurations")] public required IReadOnlyList<ExpressGatewayServiceConfiguration> Configurations { get; init; }

    [JsonPropertyName("tags")] public IReadOnlyList<Tag> Tags { get; init => field = value ?? []; } = [];
    [JsonPropertyName("createdAt")] public required DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("updatedAt")] public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>What an Express service provisioned through Berth's ELBv2 and Application Auto Scaling.</summary>
public sealed record ExpressGatewayResources
{
    [JsonPropertyName("loadBalancerArn")] public required string LoadBalancerArn { get; init; }
    [JsonPropertyName("listenerArn")] public required string ListenerArn { get; init; }
    [JsonPropertyName("listenerPort")] public required int ListenerPort { get; init; }
    [JsonPropertyName("targetGroupArn")] public required string TargetGroupArn { get; init; }

    /// <summary>The scalable target's resource id, <c>service/CLUSTER/SERVICE</c>.</summary>
    [JsonPropertyName("scalableTargetResourceId")] public required string ScalableTargetResourceId { get; init; }

    [JsonPropertyName("scalableTargetArn")] public string? ScalableTargetArn { get; init; }
    [JsonPropertyName("scalingPolicyArn")] public string? ScalingPolicyArn { get; init; }
}
