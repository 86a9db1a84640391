using Berth.Core.Arns;
using Berth.Core.Errors;

namespace Berth.Core.AutoScaling;

/// <summary>
/// What Berth scales: an ECS service's desired count (namespace <c>ecs</c>, dimension <c>ecs:service:DesiredCount</c>,
/// resource id <c>service/CLUSTER/SERVICE</c>). Other namespaces are refused: Berth has nothing else to scale.
/// </summary>
public static class ScalableTargetRules
{
    public const string Namespace = "ecs";
    public const string Dimension = "ecs:service:DesiredCount";

    /// <summary>Application Auto Scaling's capacity ceiling for an ECS service (its quota of tasks per service).</summary>
    private const int MaxCapacityLimit = 5000;
    private const int MaxTags = 50;

    /// <summary>The target a request names: its namespace, resource id and dimension, checked; the cluster and service names.</summary>
    public static (string ResourceId, string Cluster, string Service) Validate(string? serviceNamespace, string? resourceId, string? scalableDimension)
    {
        var ns = Require(serviceNamespace, "serviceNamespace");
        if (!AutoScalingEnums.ServiceNamespace.Contains(ns))
        {
            throw new ValidationException($"1 validation error detected: Value '{ns}' at 'serviceNamespace' failed to satisfy constraint: Member must satisfy enum value set: " +
                $"[{string.Join(", ", AutoScalingEnums.ServiceNamespace)}]");
        }
        if (ns != Namespace)
        {
            throw new ValidationException($"Berth scales only ECS services (ServiceNamespace ecs, ScalableDimension {Dimension}); {ns} resources do not exist here.");
        }
        var (id, cluster, service) = Resource(resourceId);
        var dimension = Require(scalableDimension, "scalableDimension");
        return dimension == Dimension
            ? (id, cluster, service)
            : throw new ValidationException($"Unsupported scalable dimension '{dimension}' for service namespace ecs: use {Dimension}.");
    }

    /// <summary>A resource id alone (DescribeScalableTargets' filter, scheduled actions): <c>service/CLUSTER/SERVICE</c>.</summary>
    public static (string ResourceId, string Cluster, string Service) Resource(string? resourceId)
    {
        var id = Require(resourceId, "resourceId");
        var parts = id.Split('/');
        return parts is ["service", { Length: > 0 } cluster, { Length: > 0 } service]
            ? (id, cluster, service)
            : throw new ValidationException($"Unsupported resource ID: {id}. An ECS service's resource ID is service/CLUSTER/SERVICE.");
    }

    public static void CheckNamespace(string? serviceNamespace)
    {
        var ns = Require(serviceNamespace, "serviceNamespace");
        if (ns != Namespace)
        {
            throw new ValidationException($"Berth scales only ECS services (ServiceNamespace ecs); {ns} resources do not exist here.");
        }
    }

    /// <summary>The capacities of a registration: both are needed at first, either may change later; min ≤ max.</summary>
    public static (int Min, int Max) Capacity(int? min, int? max, ScalableTarget? existing)
    {
        if (existing is null && (min is null || max is null))
        {
            throw new ValidationException("MinCapacity and MaxCapacity are required for registering a new scalable target.");
        }
        var newMin = min ?? existing!.MinCapacity!.Value;
        var newMax = max ?? existing!.MaxCapacity!.Value;
        if (newMin < 0 || newMax < 0 || newMax > MaxCapacityLimit)
        {
            throw new ValidationException($"MinCapacity and MaxCapacity must be between 0 and {MaxCapacityLimit}.");
        }
        return newMin <= newMax
            ? (newMin, newMax)
            : throw new ValidationException($"Minimum capacity cannot be greater than maximum capacity (MinCapacity {newMin}, MaxCapacity {newMax}).");
    }

    public static string TargetArn(ResourceScope scope, Guid id) =>
        $"arn:{scope.Partition}:application-autoscaling:{scope.Region}:{scope.AccountId}:scalable-target/0ec{id:N}";

    /// <summary>Whether <paramref name="arn"/> is a scalable target ARN of <paramref name="scope"/>.</summary>
    public static bool IsTargetArn(ResourceScope scope, string arn) =>
        arn.StartsWith($"arn:{scope.Partition}:application-autoscaling:{scope.Region}:{scope.AccountId}:scalable-target/", StringComparison.Ordinal);

    public static IReadOnlyDictionary<string, string> Tags(IReadOnlyDictionary<string, string>? added, IReadOnlyDictionary<string, string> existing)
    {
        var merged = new Dictionary<string, string>(existing, StringComparer.Ordinal);
        foreach (var (key, value) in added ?? new Dictionary<string, string>())
        {
            if (key.Length is 0 or > 128 || value.Length > 256 || key.StartsWith("aws:", StringComparison.Ordinal))
            {
                throw new ValidationException($"Invalid tag {key}: keys are 1-128 characters and may not start with aws:, values at most 256 characters.");
            }
            merged[key] = value;
        }
        return merged.Count <= MaxTags ? merged : throw new TooManyTagsException($"A scalable target can have at most {MaxTags} tags.");
    }

    public static string Require(string? value, string member) =>
        string.IsNullOrEmpty(value)
            ? throw new ValidationException($"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null")
            : value;
}
