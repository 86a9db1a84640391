namespace Berth.Control.Identity;

/// <summary>Tags of IAM users and roles: keys are unique without regard to case, and a new spelling replaces the old.</summary>
internal static class ResourceTags
{
    public static IReadOnlyDictionary<string, string> Add(IReadOnlyDictionary<string, string> tags, IReadOnlyDictionary<string, string> added)
    {
        var result = new Dictionary<string, string>(tags.Where(t => !added.Keys.Contains(t.Key, StringComparer.OrdinalIgnoreCase)), StringComparer.Ordinal);
        foreach (var (key, value) in added)
        {
            result[key] = value;
        }
        return result;
    }

    public static IReadOnlyDictionary<string, string> Remove(IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> keys) =>
        tags.Where(t => !keys.Contains(t.Key, StringComparer.OrdinalIgnoreCase)).ToDictionary(StringComparer.Ordinal);
}
