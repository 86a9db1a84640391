namespace Berth.Api.Elb;

/// <summary>Describe calls that name resources fail as a whole when one is missing, as ELB's do.</summary>
internal static class ElbSelection
{
    public static List<T> Require<T>(IEnumerable<T> items, IReadOnlyList<string> wanted, Func<T, string> keyOf, Func<string, Exception> notFound)
    {
        var byKey = items.ToDictionary(keyOf, StringComparer.Ordinal);
        var missing = wanted.Where(w => !byKey.ContainsKey(w)).ToList();
        if (missing.Count > 0)
        {
            throw notFound(string.Join(", ", missing));
        }
        return wanted.Distinct(StringComparer.Ordinal).Select(w => byKey[w]).ToList();
    }
}
