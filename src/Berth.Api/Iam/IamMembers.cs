using System.Text.RegularExpressions;
using Berth.Core.Errors;
using Berth.Core.Iam;

namespace Berth.Api.Iam;

/// <summary>IAM's checks of request members (its model's patterns and lengths), with its ValidationError wording.</summary>
internal static partial class IamMembers
{
    public static T Required<T>(T? value, string member)
        where T : class => value ?? throw new QueryValidationException(
        $"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");

    /// <summary>A user or policy name: IAM's <c>[\w+=,.@-]+</c>, at most <paramref name="maxLength"/> characters.</summary>
    public static string Name(string? value, string member, int maxLength)
    {
        var name = Required(value, member);
        if (name.Length > maxLength)
        {
            throw Invalid(name, member, $"Member must have length less than or equal to {maxLength}");
        }
        return NamePattern().IsMatch(name) ? name : throw Invalid(name, member, @"Member must satisfy regular expression pattern: [\w+=,.@-]+");
    }

    /// <summary>An IAM path: <c>/</c>, or printable ASCII between slashes.</summary>
    public static string? Path(string? value) => value is null || (value.Length <= 512 && PathPattern().IsMatch(value))
        ? value
        : throw Invalid(value, "path", @"Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)");

    /// <summary>Tags as a map; IAM refuses a key given twice (compared without case).</summary>
    public static IReadOnlyDictionary<string, string> Tags(IReadOnlyList<Tag>? tags)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var tag in tags ?? [])
        {
            if (!result.TryAdd(Required(tag.Key, "tags.member.key"), tag.Value ?? ""))
            {
                throw new InvalidInputException("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
            }
        }
        return new Dictionary<string, string>(result, StringComparer.Ordinal);
    }

    private static QueryValidationException Invalid(string value, string member, string constraint) =>
        new($"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}");

    [GeneratedRegex(@"^[\w+=,.@-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^/([\u0021-\u007E]*/)?$")]
    private static partial Regex PathPattern();
}
