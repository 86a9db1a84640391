using System.Text;
using Berth.Api.Protocol;
using Berth.Core.Errors;
using Berth.Core.Logs;

namespace Berth.Api.Logs;

/// <summary>What every CloudWatch Logs handler checks the same way: scope, page sizes, page tokens, refused options.</summary>
internal static class LogRequests
{
    /// <summary>Log groups belong to an account and region, as in CloudWatch Logs.</summary>
    public static string ScopeKey(RequestContext context) => LogScopes.Of(context.Scope);

    /// <summary>A page size in [1, max], <paramref name="max"/> when absent.</summary>
    public static int Limit(int? limit, int max, string member = "limit") =>
        limit switch
        {
            null => max,
            >= 1 when limit <= max => limit.Value,
            _ => throw new InvalidParameterException(
                $"1 validation error detected: Value '{limit}' at '{member}' failed to satisfy constraint: Member must have value between 1 and {max}"),
        };

    /// <summary>
    /// Options Berth does not implement are refused rather than ignored: a caller relying on them must not be told
    /// it has them.
    /// </summary>
    public static void Refuse(bool condition, string message)
    {
        if (condition)
        {
            throw new InvalidParameterException(message);
        }
    }

    public static string EncodeName(string name) => Convert.ToBase64String(Encoding.UTF8.GetBytes(name));

    public static string DecodeName(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw new InvalidParameterException("The specified nextToken is invalid.");
        }
    }
}
