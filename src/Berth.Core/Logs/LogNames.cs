using Berth.Core.Arns;
using Berth.Core.Errors;

namespace Berth.Core.Logs;

/// <summary>
/// Log group and stream names as CloudWatch Logs accepts them, and the ARNs built from them.
/// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
/// </summary>
public static class LogNames
{
    public const int MaxLength = 512;

    /// <summary>1–512 characters from a-z, A-Z, 0-9, '_', '-', '/', '.', '#'.</summary>
    public static string Group(string? name, string member = "logGroupName")
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '/' or '.' or '#'))
        {
            throw new InvalidParameterException(
                $"1 validation error detected: Value '{name}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");
        }
        return name;
    }

    /// <summary>1–512 characters without ':' or '*'.</summary>
    public static string Stream(string? name, string member = "logStreamName")
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || name.Contains(':') || name.Contains('*'))
        {
            throw new InvalidParameterException(
                $"1 validation error detected: Value '{name}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*");
        }
        return name;
    }

    /// <summary>
    /// The group an operation names, by <c>logGroupName</c> or <c>logGroupIdentifier</c> (a name or an ARN);
    /// the two are mutually exclusive, as in CloudWatch Logs.
    /// </summary>
    public static string GroupOf(string? logGroupName, string? logGroupIdentifier)
    {
        if (logGroupName is not null && logGroupIdentifier is not null)
        {
            throw new InvalidParameterException("LogGroupName and LogGroupIdentifier are mutually exclusive parameters.");
        }
        if (logGroupIdentifier is null)
        {
            return Group(logGroupName);
        }
        // arn:aws:logs:us-east-1:000000000000:log-group:NAME (optionally followed by ":*")
        const string marker = ":log-group:";
        var at = logGroupIdentifier.IndexOf(marker, StringComparison.Ordinal);
        if (!logGroupIdentifier.StartsWith("arn:", StringComparison.Ordinal) || at < 0)
        {
            return Group(logGroupIdentifier, "logGroupIdentifier");
        }
        var name = logGroupIdentifier[(at + marker.Length)..];
        return Group(name.EndsWith(":*", StringComparison.Ordinal) ? name[..^2] : name, "logGroupIdentifier");
    }

    public static string LogsArnPrefix(ResourceScope scope) => $"arn:{scope.Partition}:logs:{scope.Region}:{scope.AccountId}";

    /// <summary>The group's ARN without the trailing ":*" (DescribeLogGroups' logGroupArn).</summary>
    public static string GroupArn(ResourceScope scope, string group) => $"{LogsArnPrefix(scope)}:log-group:{group}";

    public static string StreamArn(ResourceScope scope, string group, string stream) =>
        $"{GroupArn(scope, group)}:log-stream:{stream}";
}
