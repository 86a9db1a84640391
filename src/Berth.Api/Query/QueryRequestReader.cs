using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Core.Errors;
using Berth.Core.Query;

namespace Berth.Api.Query;

/// <summary>
/// Turns a query form into the JSON of the operation's input shape, so the same source-generated records
/// (and their converters) serve the query protocol and the JSON ones. Follows botocore's query serializer:
/// list items are <c>Name.member.N</c> (just <c>Name.N</c> when flattened), map entries
/// <c>Name.entry.N.key</c> / <c>.value</c>, numbering from 1, and an empty list is sent as <c>Name=</c>.
/// Every value is checked against its shape here, and a parameter the model does not have is refused, so a
/// malformed request is a ValidationError that names the parameter, never a request that silently lost a part.
/// </summary>
internal sealed class QueryRequestReader(QueryModel model)
{
    /// <param name="inputShape">The operation's input shape; null for an operation that takes none.</param>
    public JsonObject Read(QueryForm form, string? inputShape)
    {
        // Action and Version pick the operation; they are not members of its input.
        var read = new HashSet<string>(StringComparer.Ordinal) { "Action", "Version" };
        var input = inputShape is null ? new JsonObject() : ReadStructure(form, model.Shape(inputShape), prefix: "", read);
        if (form.Names.FirstOrDefault(name => !read.Contains(name)) is { } unknown)
        {
            throw new QueryValidationException($"The parameter {unknown} is not recognized.");
        }
        return input;
    }

    private JsonObject ReadStructure(QueryForm form, QueryShape shape, string prefix, HashSet<string> read)
    {
        var result = new JsonObject();
        foreach (var member in shape.Members)
        {
            var name = prefix + member.WireName;
            if (form.Has(name))
            {
                result[member.Name] = ReadValue(form, member.Shape, name, read);
            }
        }
        return result;
    }

    private JsonNode? ReadValue(QueryForm form, string shapeName, string name, HashSet<string> read)
    {
        var shape = model.Shape(shapeName);
        switch (shape.Kind)
        {
            case QueryShapeKind.Structure:
                return ReadStructure(form, shape, name + ".", read);
            case QueryShapeKind.List:
                return ReadList(form, shape, name, read);
            case QueryShapeKind.Map:
                return ReadMap(form, shape, name, read);
            default:
                read.Add(name);
                return ReadScalar(shape.Kind, name, form[name] ?? "");
        }
    }

    private JsonArray ReadList(QueryForm form, QueryShape shape, string name, HashSet<string> read)
    {
        var item = shape.Item!;
        var itemPrefix = shape.Flattened ? name : $"{name}.{item.LocationName ?? "member"}";
        var list = new JsonArray();
        foreach (var index in Indexes(form, itemPrefix))
        {
            list.Add(ReadValue(form, item.Shape, $"{itemPrefix}.{index}", read));
        }
        MarkEmpty(form, name, list.Count, read);
        return list;
    }

    private JsonObject ReadMap(QueryForm form, QueryShape shape, string name, HashSet<string> read)
    {
        var entryPrefix = shape.Flattened ? name : $"{name}.entry";
        var map = new JsonObject();
        foreach (var index in Indexes(form, entryPrefix))
        {
            var keyName = $"{entryPrefix}.{index}.{shape.Key!.WireName}";
            var key = form[keyName] ?? throw new QueryValidationException($"Map entry {entryPrefix}.{index} has no key.");
            read.Add(keyName);
            map[key] = ReadValue(form, shape.Item!.Shape, $"{entryPrefix}.{index}.{shape.Item.WireName}", read);
        }
        MarkEmpty(form, name, map.Count, read);
        return map;
    }

    /// <summary>
    /// The item numbers under <paramref name="prefix"/> in order. botocore numbers from 1 without gaps; other
    /// positive numbers are read in order too, and anything else is left unread, so it is refused as unknown.
    /// </summary>
    private static IEnumerable<string> Indexes(QueryForm form, string prefix) =>
        form.Children(prefix)
            .Select(child => (Child: child, Index: int.TryParse(child, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : 0))
            .Where(c => c.Index > 0)
            .OrderBy(c => c.Index)
            .Select(c => c.Child);

    /// <summary>An empty list (or map) is sent as the bare name with no value, <c>Names=</c>.</summary>
    private static void MarkEmpty(QueryForm form, string name, int count, HashSet<string> read)
    {
        if (count == 0 && form[name] is "")
        {
            read.Add(name);
        }
    }

    private static JsonNode ReadScalar(QueryShapeKind kind, string name, string text)
    {
        try
        {
            return kind switch
            {
                QueryShapeKind.Integer => JsonValue.Create(int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture)),
                QueryShapeKind.Long => JsonValue.Create(long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture)),
                // botocore sends NaN and Infinity as words; no AWS API takes them, and JSON cannot carry them.
                QueryShapeKind.Double => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) is var number && double.IsFinite(number)
                    ? JsonValue.Create(number)
                    : throw new FormatException(),
                QueryShapeKind.Boolean => JsonValue.Create(bool.Parse(text)),
                // ISO 8601, read by the records' timestamp converter with the same parse.
                QueryShapeKind.Timestamp => DateTimeOffset.TryParse(text, out _) ? JsonValue.Create(text) : throw new FormatException(),
                QueryShapeKind.Blob => Convert.TryFromBase64String(text, new byte[text.Length], out _) ? JsonValue.Create(text) : throw new FormatException(),
                _ => JsonValue.Create(text),
            };
        }
        catch (FormatException)
        {
            throw new QueryValidationException($"Value '{text}' at '{name}' is not a valid {kind.ToString().ToLowerInvariant()}.");
        }
        catch (OverflowException)
        {
            throw new QueryValidationException($"Value '{text}' at '{name}' is out of range.");
        }
    }
}
