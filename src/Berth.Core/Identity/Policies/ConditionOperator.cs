using System.Diagnostics.CodeAnalysis;

namespace Berth.Core.Identity.Policies;

/// <summary>How a multivalued context key is compared (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).</summary>
internal enum SetQualifier
{
    /// <summary>A single-valued comparison.</summary>
    None,

    /// <summary>ForAnyValue: true if at least one of the request's values matches.</summary>
    ForAnyValue,

    /// <summary>ForAllValues: true if every one of the request's values matches (and when there are none).</summary>
    ForAllValues,
}

/// <summary>
/// A condition operator split into its parts: <c>ForAnyValue:StringLikeIfExists</c> is StringLike with the
/// ForAnyValue qualifier and IfExists. The names are IAM's
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
/// </summary>
internal sealed record ConditionOperator(string Name, SetQualifier Qualifier, bool IfExists)
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
        "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
        "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
        "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
    };

    private const string IfExistsSuffix = "IfExists";

    public static bool TryParse(string text, [NotNullWhen(true)] out ConditionOperator? condition)
    {
        condition = null;
        var qualifier = SetQualifier.None;
        var name = text;
        if (text.StartsWith("ForAnyValue:", StringComparison.Ordinal))
        {
            (qualifier, name) = (SetQualifier.ForAnyValue, text["ForAnyValue:".Length..]);
        }
        else if (text.StartsWith("ForAllValues:", StringComparison.Ordinal))
        {
            (qualifier, name) = (SetQualifier.ForAllValues, text["ForAllValues:".Length..]);
        }
        var ifExists = name.EndsWith(IfExistsSuffix, StringComparison.Ordinal) && name != IfExistsSuffix;
        if (ifExists)
        {
            name = name[..^IfExistsSuffix.Length];
        }
        if (!Names.Contains(name) || (ifExists && name == "Null"))
        {
            return false;
        }
        condition = new ConditionOperator(name, qualifier, ifExists);
        return true;
    }
}
