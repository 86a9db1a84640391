using Berth.Core.Arns;

namespace Berth.Core.Logs;

/// <summary>CloudWatch Logs groups are per account and region; the log store keys them by this text.</summary>
public static class LogScopes
{
    public static string Of(ResourceScope scope) => $"{scope.AccountId}/{scope.Region}";
}
