using System.Text.Json;

namespace Berth.Core.Identity.Authorization;

/// <summary>
/// One resource type of a service and the members its requests name it with: each value of these members is one
/// resource, either as a whole ARN or as the name (or id) that <see cref="ReadName"/> turns into the variables
/// the type's own ARN needs; the other variables come from the service's shared sources.
/// </summary>
/// <param name="Name">The Service Authorization Reference's resource type.</param>
/// <param name="Members">Request members (paths) holding names or ARNs of this type.</param>
/// <param name="ReadName">The variables a name stands for, and whether they make the ARN exact.</param>
internal sealed record ResourceType(
    string Name,
    ArnTemplate Template,
    IReadOnlyList<string> Members,
    Func<string, JsonElement, (IReadOnlyDictionary<string, string> Variables, bool IsExact)> ReadName)
{
    /// <summary>A type whose names fill one variable.</summary>
    public static ResourceType Named(string name, string template, string variable, params string[] members) =>
        new(name, new ArnTemplate(template), members, (value, _) => (new Dictionary<string, string> { [variable] = value }, true));
}
