using Berth.Core.Arns;

namespace Berth.Core.Metrics;

/// <summary>CloudWatch metrics are per account and region; the metric store keys series by this text.</summary>
public static class MetricScopes
{
    public static string Of(ResourceScope scope) => $"{scope.AccountId}/{scope.Region}";

    /// <summary>arn:aws:{service}:{region}:{account}:{resource} (a cluster, a load balancer) → the metric scope of that account and region.</summary>
    public static string OfArn(string arn)
    {
        var parts = arn.Split(':');
        return parts.Length >= 6 ? Of(new ResourceScope(parts[3], parts[4])) : throw new ArgumentException($"Not an ARN: {arn}");
    }
}
