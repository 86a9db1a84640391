using Berth.Core.Arns;

namespace Berth.Core.Metrics;

/// <summary>CloudWatch metrics are per account and region; the metric store keys series by this text.</summary>
public static class MetricScopes
{
    public static string Of(ResourceScope scope) => $"{scope.AccountId}/{scope.Region}";
}
