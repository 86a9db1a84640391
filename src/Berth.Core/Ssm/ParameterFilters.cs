using Berth.Core.Errors;

namespace Berth.Core.Ssm;

/// <summary>
/// DescribeParameters' and GetParametersByPath's filters as one predicate over stored parameters: the
/// ParameterStringFilter keys (Name, Type, KeyId, Path, Tier, DataType, Label, tag:KEY) with their options, and
/// DescribeParameters' older ParametersFilter (Name, Type, KeyId), checked as Parameter Store checks them.
/// </summary>
public sealed class ParameterFilters
{
    private static readonly string[] DescribeKeys = ["Name", "Type", "KeyId", "Path", "Tier", "DataType"];
    private static readonly string[] ByPathKeys = ["Type", "KeyId", "Label"];

    private readonly IReadOnlyList<ParameterStringFilter> _filters;

    private ParameterFilters(IReadOnlyList<ParameterStringFilter> filters) => _filters = filters;

    /// <summary>DescribeParameters' filters; a request may use Filters or ParameterFilters, not both.</summary>
    public static ParameterFilters ForDescribe(IReadOnlyList<ParametersFilter>? filters, IReadOnlyList<ParameterStringFilter>? parameterFilters)
    {
        if (filters is { Count: > 0 } && parameterFilters is { Count: > 0 })
        {
            throw new ValidationException("You can use either Filters or ParameterFilters in a single request, but not both.");
        }
        var legacy = (filters ?? []).Select(f => f.Key is "Name" or "Type" or "KeyId"
            ? new ParameterStringFilter { Key = f.Key, Option = f.Key == "Name" ? "BeginsWith" : "Equals", Values = f.Values }
            : throw new InvalidFilterKey($"The following filter key is not valid: {f.Key}. Valid filter keys include: [Name, Type, KeyId]."));
        return Checked([.. legacy, .. parameterFilters ?? []], DescribeKeys);
    }

    /// <summary>GetParametersByPath's filters: the path is the request's, so Name and Path are refused.</summary>
    public static ParameterFilters ForPath(IReadOnlyList<ParameterStringFilter>? parameterFilters) => Checked(parameterFilters ?? [], ByPathKeys);

    public bool Matches(ParameterRecord parameter) => _filters.All(f => Matches(f, parameter));

    /// <summary>The version a listing answers: the one a Label filter names (GetParametersByPath), else the latest.</summary>
    public ParameterVersion Selected(ParameterRecord parameter) =>
        _filters.FirstOrDefault(f => f.Key == "Label") is { Values: { } labels }
            ? parameter.Versions.Last(v => v.Labels.Any(l => labels.Contains(l, StringComparer.Ordinal)))
            : parameter.Latest;

    private static ParameterFilters Checked(IReadOnlyList<ParameterStringFilter> filters, string[] keys)
    {
        foreach (var filter in filters)
        {
            var key = filter.Key ?? "";
            if (!key.StartsWith("tag:", StringComparison.Ordinal) && !keys.Contains(key))
            {
                throw new InvalidFilterKey($"The following filter key is not valid: {key}. Valid filter keys include: [{string.Join(", ", keys)}, tag:<key>].");
            }
            var options = key switch
            {
                "Name" => ["Equals", "BeginsWith", "Contains"],
                "Path" => ["Recursive", "OneLevel"],
                "Label" or "Type" or "KeyId" or "Tier" or "DataType" => ["Equals"],
                _ => new[] { "Equals", "BeginsWith" },
            };
            if (filter.Option is { } option && !options.Contains(option))
            {
                throw new InvalidFilterOption($"The following filter option is not valid: {option}. Valid options include: [{string.Join(", ", options)}].");
            }
            if (filter.Values is null or { Count: 0 } && !key.StartsWith("tag:", StringComparison.Ordinal))
            {
                throw new InvalidFilterValue($"The following filter values are missing : null for filter key {key}.");
            }
            if (key == "Path")
            {
                foreach (var path in filter.Values!)
                {
                    ParameterRules.ValidatePath(path);
                }
            }
        }
        return new ParameterFilters(filters);
    }

    private static bool Matches(ParameterStringFilter filter, ParameterRecord parameter)
    {
        var latest = parameter.Latest;
        var values = filter.Values ?? [];
        return filter.Key switch
        {
            "Name" => values.Any(v => NameMatches(filter.Option, parameter.Name, v)),
            "Path" => values.Any(v => ParameterRules.InPath(parameter.Name, v, filter.Option == "Recursive")),
            "Type" => values.Contains(latest.Type, StringComparer.Ordinal),
            "KeyId" => latest.KeyId is { } keyId && values.Contains(keyId, StringComparer.Ordinal),
            "Tier" => values.Contains(latest.Tier, StringComparer.Ordinal),
            "DataType" => values.Contains(latest.DataType, StringComparer.Ordinal),
            "Label" => parameter.Versions.Any(v => v.Labels.Any(l => values.Contains(l, StringComparer.Ordinal))),
            _ => parameter.Tags.TryGetValue(filter.Key!["tag:".Length..], out var tag) &&
                 (values.Count == 0 || values.Any(v => filter.Option == "BeginsWith" ? tag.StartsWith(v, StringComparison.Ordinal) : tag == v)),
        };
    }

    /// <summary>Name values are full names (Equals, the default), prefixes or substrings; a leading slash is optional.</summary>
    private static bool NameMatches(string? option, string name, string value)
    {
        var bare = name.TrimStart('/');
        var wanted = value.TrimStart('/');
        return option switch
        {
            "BeginsWith" => bare.StartsWith(wanted, StringComparison.Ordinal),
            "Contains" => name.Contains(value, StringComparison.Ordinal),
            _ => bare == wanted,
        };
    }
}
