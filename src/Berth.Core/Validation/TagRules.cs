using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.Validation;

/// <summary>
/// ECS tag limits (ECS API reference, "Tag"): at most 50 tags per resource, keys 1–128 and values 0–256
/// characters, and the <c>aws:</c> prefix is reserved for AWS.
/// </summary>
public static class TagRules
{
    public const int MaxTagsPerResource = 50;

    public static void Validate(IReadOnlyList<Tag>? tags)
    {
        foreach (var tag in tags ?? [])
        {
            if (string.IsNullOrEmpty(tag.Key) || tag.Key.Length > 128)
            {
                throw new InvalidParameterException("Tag keys must be between 1 and 128 characters.");
            }
            if (tag.Value is { Length: > 256 })
            {
                throw new InvalidParameterException("Tag values must be at most 256 characters.");
            }
            RefuseReserved(tag.Key);
        }
    }

    /// <summary>Adds or overwrites <paramref name="changes"/> on <paramref name="current"/>, keeping first-seen order.</summary>
    public static IReadOnlyList<Tag> Merge(IReadOnlyList<Tag>? current, IReadOnlyList<Tag>? changes)
    {
        Validate(changes);
        var merged = new List<Tag>(current ?? []);
        foreach (var tag in changes ?? [])
        {
            var index = merged.FindIndex(t => t.Key == tag.Key);
            if (index >= 0)
            {
                merged[index] = tag;
            }
            else
            {
                merged.Add(tag);
            }
        }
        if (merged.Count > MaxTagsPerResource)
        {
            throw new InvalidParameterException($"A resource can have at most {MaxTagsPerResource} tags.");
        }
        return merged;
    }

    /// <summary>Removes <paramref name="keys"/>; the <c>aws:</c> tags ECS manages (a task's aws:ecs:clusterName) stay, as on ECS.</summary>
    public static IReadOnlyList<Tag> Remove(IReadOnlyList<Tag>? current, IReadOnlyCollection<string> keys)
    {
        foreach (var key in keys)
        {
            RefuseReserved(key);
        }
        return (current ?? []).Where(t => !keys.Contains(t.Key!)).ToList();
    }

    private static void RefuseReserved(string key)
    {
        if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidParameterException("Tag keys may not begin with the reserved prefix 'aws:'.");
        }
    }
}
