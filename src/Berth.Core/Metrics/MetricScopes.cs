using Berth.Core.Arns;

namespace Berth.Core.Metrics;

/// <summary>CloudWatch metrics are per account and region; the metric store keys series by this text.</summary>
public static class MetricScopes
{
    public static string Of(ResourceScope scope) => $"{scope.AccountId}/{scope.Region}";

    /// <summary>arn:aws:ecs:{region}:{account}:cluster/{name} → the metric scope of that account and region.</summary>
    public static string OfClusterArn(string clusterArn)
    {
        var parts = clusterArn.Split(':');
        return parts.Length >= 6 ? Of(new ResourceScope(parts[3], parts[4])) : throw new ArgumentException($"Not a cluster ARN: {clusterArn}");
    }
}
