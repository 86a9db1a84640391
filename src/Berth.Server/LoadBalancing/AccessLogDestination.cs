using Berth.Core.Errors;
using Berth.Core.Logs;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// Where the load balancers' access logs go (<c>--lb-access-log</c>): ALB delivers them to an S3 bucket, which Berth
/// does not have; instead they are appended to a file, or to a CloudWatch Logs group (one stream per load balancer,
/// named by its resource id, <c>app/{name}/{id}</c>). Off (null) by default, as ALB access logs are.
/// </summary>
/// <param name="FilePath">An absolute file path, appended to; null for a log group.</param>
/// <param name="LogGroupName">A log group in each load balancer's account and region, created when missing.</param>
public sealed record AccessLogDestination(string? FilePath, string? LogGroupName)
{
    public const string LogGroupPrefix = "logs:";

    /// <summary><c>logs:GROUP</c> names a log group, anything else a file; throws <see cref="ArgumentException"/> for either done wrong.</summary>
    public static AccessLogDestination Parse(string text)
    {
        if (text.StartsWith(LogGroupPrefix, StringComparison.Ordinal))
        {
            try
            {
                return new AccessLogDestination(null, LogNames.Group(text[LogGroupPrefix.Length..]));
            }
            catch (InvalidParameterException e)
            {
                throw new ArgumentException($"'{text}' names no valid log group: {e.Message}", e);
            }
        }
        var path = Path.GetFullPath(text);
        if (Directory.Exists(path) || !Directory.Exists(Path.GetDirectoryName(path)))
        {
            throw new ArgumentException($"'{text}' is not a file in an existing directory.");
        }
        return new AccessLogDestination(path, null);
    }

    public override string ToString() => FilePath ?? LogGroupPrefix + LogGroupName;
}
