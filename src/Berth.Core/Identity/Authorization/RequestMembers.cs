using System.Text.Json;

namespace Berth.Core.Identity.Authorization;

/// <summary>
/// Reads string values from a request's JSON (the operation's input shape, as AWS JSON carries it and as the
/// query layer turns a form into). A path is a member name, or <c>list[].member</c> for a member of each element.
/// </summary>
internal static class RequestMembers
{
    public static IEnumerable<string> All(JsonElement request, string path)
    {
        var brackets = path.IndexOf("[].", StringComparison.Ordinal);
        if (brackets >= 0)
        {
            return Property(request, path[..brackets]) is { ValueKind: JsonValueKind.Array } list
                ? list.EnumerateArray().SelectMany(element => All(element, path[(brackets + 3)..]))
                : [];
        }
        return Property(request, path) switch
        {
            { ValueKind: JsonValueKind.String } value => [value.GetString()!],
            { ValueKind: JsonValueKind.Array } list => list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!),
            _ => [],
        };
    }

    public static string? First(JsonElement request, string path) => All(request, path).FirstOrDefault();

    /// <summary>Every top-level string (or list of strings) that is an ARN.</summary>
    public static IEnumerable<string> TopLevelArns(JsonElement request) =>
        request.ValueKind == JsonValueKind.Object
            ? request.EnumerateObject().SelectMany(p => All(request, p.Name)).Where(IsArn)
            : [];

    public static bool IsArn(string value) => value.StartsWith("arn:", StringComparison.Ordinal);

    /// <summary>
    /// The tags a request sets, in any of AWS's spellings: a list of <c>{key, value}</c> or <c>{Key, Value}</c>
    /// objects, or a map.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? Tags(JsonElement request)
    {
        if ((Property(request, "tags") ?? Property(request, "Tags")) is not { } element)
        {
            return null;
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var tag in element.EnumerateObject().Where(t => t.Value.ValueKind == JsonValueKind.String))
            {
                result[tag.Name] = tag.Value.GetString()!;
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var tag in element.EnumerateArray())
            {
                var key = First(tag, "key") ?? First(tag, "Key");
                if (key is not null)
                {
                    result[key] = First(tag, "value") ?? First(tag, "Value") ?? "";
                }
            }
        }
        return result;
    }

    private static JsonElement? Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : null;
}
