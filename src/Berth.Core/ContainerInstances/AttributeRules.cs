using System.Text.RegularExpressions;
using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.ContainerInstances;

/// <summary>
/// ECS attribute limits (ECS API reference, "Attribute"): names up to 128 letters, digits, hyphens,
/// underscores, slashes, back slashes and periods; values up to 128 of those plus @, colons and inner spaces.
/// </summary>
public static partial class AttributeRules
{
    public const string ContainerInstanceTarget = "container-instance";

    /// <summary>An instance keeps at most 10 custom attributes added by PutAttributes per call.</summary>
    public const int MaxPerCall = 10;

    [GeneratedRegex(@"^[a-zA-Z0-9_\-/\\.]{1,128}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-zA-Z0-9_\-/\\.@:]([a-zA-Z0-9_\-/\\.@: ]{0,126}[a-zA-Z0-9_\-/\\.@:])?$")]
    private static partial Regex ValuePattern();

    public static void Validate(EcsAttribute attribute)
    {
        if (attribute.Name is null || !NamePattern().IsMatch(attribute.Name))
        {
            throw new InvalidParameterException(
                $"Invalid attribute name '{attribute.Name}': up to 128 letters, numbers, hyphens, underscores, slashes, back slashes or periods.");
        }
        if (attribute.Value is not null && !ValuePattern().IsMatch(attribute.Value))
        {
            throw new InvalidParameterException(
                $"Invalid value '{attribute.Value}' for attribute {attribute.Name}: up to 128 letters, numbers, hyphens, underscores, periods, at signs, slashes, back slashes, colons or inner spaces.");
        }
        if (attribute.TargetType is not null && attribute.TargetType != ContainerInstanceTarget)
        {
            throw new InvalidParameterException($"Invalid targetType '{attribute.TargetType}'. Valid values are: {ContainerInstanceTarget}.");
        }
    }

    /// <summary>Adds or replaces attributes by name; the result holds only name and value, as instances show them.</summary>
    public static List<EcsAttribute> Merge(IReadOnlyList<EcsAttribute>? current, IEnumerable<EcsAttribute> changes)
    {
        var merged = (current ?? []).ToList();
        foreach (var change in changes)
        {
            merged.RemoveAll(a => a.Name == change.Name);
            merged.Add(new EcsAttribute { Name = change.Name, Value = change.Value });
        }
        return merged;
    }

    public static List<EcsAttribute> Remove(IReadOnlyList<EcsAttribute>? current, IEnumerable<string> names)
    {
        var removed = names.ToHashSet(StringComparer.Ordinal);
        return (current ?? []).Where(a => !removed.Contains(a.Name!)).ToList();
    }
}
