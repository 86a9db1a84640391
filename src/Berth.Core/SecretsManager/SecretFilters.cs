using Berth.Core.Errors;

namespace Berth.Core.SecretsManager;

/// <summary>
/// ListSecrets' filters as one predicate. Each filter's values are prefixes (name, tag-key, tag-value, primary-region
/// and owning-service case-sensitive; description by word and not case-sensitive; all: every word of the name,
/// description and tags, not case-sensitive); a value starting with <c>!</c> excludes. A filter matches when one of
/// its values does and none of its exclusions; a secret passes when every filter matches.
/// </summary>
public sealed class SecretFilters
{
    private const int MaxValues = 10;
    private static readonly string[] Keys = ["description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"];

    private readonly IReadOnlyList<Filter> _filters;

    private SecretFilters(IReadOnlyList<Filter> filters) => _filters = filters;

    public static SecretFilters From(IReadOnlyList<Filter>? filters)
    {
        foreach (var filter in filters ?? [])
        {
            if (filter.Key is null || !Keys.Contains(filter.Key))
            {
                throw new InvalidParameterException($"Invalid filter key: {filter.Key}. Valid keys are: {string.Join(", ", Keys)}.");
            }
            if (filter.Values is null or { Count: 0 or > MaxValues })
            {
                throw new InvalidParameterException($"A filter must have between 1 and {MaxValues} values.");
            }
        }
        return new SecretFilters(filters ?? []);
    }

    public bool Matches(SecretRecord secret, string region) => _filters.All(f => Matches(f, secret, region));

    private static bool Matches(Filter filter, SecretRecord secret, string region)
    {
        var candidates = Candidates(filter.Key!, secret, region).ToList();
        var comparison = filter.Key is "description" or "all" ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        bool Hit(string prefix) => candidates.Any(c => c.StartsWith(prefix, comparison));
        var included = filter.Values!.Where(v => !v.StartsWith('!')).ToList();
        var excluded = filter.Values!.Where(v => v.StartsWith('!')).Select(v => v[1..]).ToList();
        return (included.Count == 0 || included.Any(Hit)) && !excluded.Any(Hit);
    }

    private static IEnumerable<string> Candidates(string key, SecretRecord secret, string region) => key switch
    {
        "name" => [secret.Name],
        "description" => Words(secret.Description),
        "tag-key" => secret.Tags.Select(t => t.Key),
        "tag-value" => secret.Tags.Select(t => t.Value),
        "primary-region" => [region],
        "owning-service" => [],
        _ => [secret.Name, .. Words(secret.Name), .. Words(secret.Description), .. secret.Tags.SelectMany(t => Words(t.Key).Concat(Words(t.Value)))],
    };

    private static IEnumerable<string> Words(string? text) =>
        (text ?? "").Split([' ', '/', '_', '-', '+', '=', '.', '@', ':', '!'], StringSplitOptions.RemoveEmptyEntries);
}
