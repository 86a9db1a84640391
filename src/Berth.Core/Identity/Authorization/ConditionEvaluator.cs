using System.Globalization;
using System.Net;
using Berth.Core.Elb;
using Berth.Core.Identity.Policies;

namespace Berth.Core.Identity.Authorization;

/// <summary>
/// Evaluates one condition (one operator, one key) against the request context as IAM does
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
/// the policy's values are OR-ed; a missing key fails a positive operator and satisfies a negated one, unless
/// IfExists (then it satisfies both); ForAnyValue and ForAllValues compare each of a multivalued key's values.
/// </summary>
internal static class ConditionEvaluator
{
    private static readonly HashSet<string> Negated = new(StringComparer.Ordinal)
    {
        "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals", "DateNotEquals",
        "NotIpAddress", "ArnNotEquals", "ArnNotLike",
    };

    public static bool Matches(PolicyCondition condition, RequestContext context, bool substituteVariables)
    {
        if (!ConditionOperator.TryParse(condition.Operator, out var op))
        {
            return false;
        }
        var requestValues = context.Values(condition.Key);
        if (op.Name == "Null")
        {
            var absent = requestValues is null || requestValues.Count == 0;
            return condition.Values.Any(v => bool.TryParse(v, out var wantAbsent) && wantAbsent == absent);
        }
        var negated = Negated.Contains(op.Name);
        if (requestValues is null)
        {
            return op.IfExists || op.Qualifier == SetQualifier.ForAllValues || (op.Qualifier == SetQualifier.None && negated);
        }
        var policyValues = condition.Values
            .Select(v => substituteVariables ? PolicyVariables.Substitute(v, context) : v)
            .OfType<string>()
            .ToList();
        var compare = Comparison(op.Name);
        // Each request value "satisfies" the condition if it matches one of the policy's values (for a negated
        // operator: none of them).
        bool Satisfies(string requestValue) => policyValues.Any(p => compare(requestValue, p)) != negated;
        return op.Qualifier switch
        {
            SetQualifier.ForAllValues => requestValues.All(Satisfies),
            SetQualifier.ForAnyValue => requestValues.Any(Satisfies),
            // A single-valued operator on a multivalued key: a negated operator holds only if no value matches.
            _ => negated ? requestValues.All(Satisfies) : requestValues.Any(Satisfies),
        };
    }

    /// <summary>Whether a request value matches one policy value, for the operator's positive form.</summary>
    private static Func<string, string, bool> Comparison(string name) => name switch
    {
        "StringEquals" or "StringNotEquals" or "BinaryEquals" => (value, policy) => value == policy,
        "StringEqualsIgnoreCase" or "StringNotEqualsIgnoreCase" => (value, policy) => string.Equals(value, policy, StringComparison.OrdinalIgnoreCase),
        "StringLike" or "StringNotLike" => (value, policy) => PathPattern.Matches(policy, value),
        "NumericEquals" or "NumericNotEquals" => Numeric(c => c == 0),
        "NumericLessThan" => Numeric(c => c < 0),
        "NumericLessThanEquals" => Numeric(c => c <= 0),
        "NumericGreaterThan" => Numeric(c => c > 0),
        "NumericGreaterThanEquals" => Numeric(c => c >= 0),
        "DateEquals" or "DateNotEquals" => Date(c => c == 0),
        "DateLessThan" => Date(c => c < 0),
        "DateLessThanEquals" => Date(c => c <= 0),
        "DateGreaterThan" => Date(c => c > 0),
        "DateGreaterThanEquals" => Date(c => c >= 0),
        "Bool" => (value, policy) => string.Equals(value, policy, StringComparison.OrdinalIgnoreCase),
        "IpAddress" or "NotIpAddress" => InRange,
        "ArnEquals" or "ArnLike" or "ArnNotEquals" or "ArnNotLike" => ArnMatches,
        _ => (_, _) => false,
    };

    private static Func<string, string, bool> Numeric(Func<int, bool> accept) => (value, policy) =>
        decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
        && decimal.TryParse(policy, NumberStyles.Float, CultureInfo.InvariantCulture, out var p)
        && accept(v.CompareTo(p));

    private static Func<string, string, bool> Date(Func<int, bool> accept) => (value, policy) =>
        TryParseDate(value, out var v) && TryParseDate(policy, out var p) && accept(v.CompareTo(p));

    /// <summary>Dates are ISO 8601 (<c>2025-03-14T09:26:53Z</c>, or a day) or epoch seconds, as in aws:EpochTime.</summary>
    private static bool TryParseDate(string text, out DateTimeOffset date)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            date = DateTimeOffset.FromUnixTimeSeconds(epoch);
            return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date);
    }

    /// <summary>An address in a CIDR block (IPv4 or IPv6); a policy address without a prefix length is a single host.</summary>
    private static bool InRange(string value, string policy)
    {
        if (!IPAddress.TryParse(value, out var address))
        {
            return false;
        }
        if (IPNetwork.TryParse(policy, out var network))
        {
            return network.Contains(address);
        }
        return IPAddress.TryParse(policy, out var single) && single.Equals(address);
    }

    /// <summary>ARNs compare segment by segment (partition, service, region, account, resource), each with wildcards.</summary>
    private static bool ArnMatches(string value, string policy)
    {
        var values = value.Split(':', 6);
        var patterns = policy.Split(':', 6);
        return values.Length == 6 && patterns.Length == 6 && values.Zip(patterns).All(pair => PathPattern.Matches(pair.Second, pair.First));
    }
}
