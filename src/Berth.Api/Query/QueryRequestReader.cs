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
/// </summary>
public sealed class QueryRequestReader(QueryModel model)
{
    public JsonObject Read(QueryForm form, string inputShape) => ReadStructure(form, model.Shape(inputShape), prefix: "");

    private JsonObject ReadStructure(QueryForm form, QueryShape shape, string prefix)
    {
        var result = new JsonObject();
        foreach (var member in shape.Members)
        {
            var name = prefix + member.WireName;
            if (form.Has(name))
            {
                result[member.Name] = ReadValue(form, member.Shape, name);
            }
        }
        return result;
    }

    private JsonNode? ReadValue(QueryForm form, string shapeName, string name)
    {
        var shape = model.Shape(shapeName);
        return shape.Kind switch
        {
            QueryShapeKind.Structure => ReadStructure(form, shape, name + "."),
            QueryShapeKind.List => ReadList(form, shape, name),
            QueryShapeKind.Map => ReadMap(form, shape, name),
            _ => ReadScalar(shape.Kind, name, form[name] ?? ""),
        };
    }

    private JsonArray ReadList(QueryForm form, QueryShape shape, string name)
    {
        var item = shape.Item!;
        var itemPrefix = shape.Flattened ? name : $"{name}.{item.LocationName ?? "member"}";
        var list = new JsonArray();
        for (var index = 1; form.Has($"{itemPrefix}.{index}"); index++)
        {
            list.Add(ReadValue(form, item.Shape, $"{itemPrefix}.{index}"));
        }
        return list;
    }

    private JsonObject ReadMap(QueryForm form, QueryShape shape, string name)
    {
        var entryPrefix = shape.Flattened ? name : $"{name}.entry";
        var map = new JsonObject();
        for (var index = 1; form.Has($"{entryPrefix}.{index}"); index++)
        {
            var key = form[$"{entryPrefix}.{index}.{shape.Key!.WireName}"]
                ?? throw new QueryValidationException($"Map entry {entryPrefix}.{index} has no key.");
            map[key] = ReadValue(form, shape.Item!.Shape, $"{entryPrefix}.{index}.{shape.Item.WireName}");
        }
        return map;
    }

    private static JsonNode ReadScalar(QueryShapeKind kind, string name, string text)
    {
        try
        {
            return kind switch
            {
                QueryShapeKind.Integer or QueryShapeKind.Long => JsonValue.Create(long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture)),
                QueryShapeKind.Double => JsonValue.Create(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)),
                QueryShapeKind.Boolean => JsonValue.Create(bool.Parse(text)),
                // Strings, blobs (base64 either way) and timestamps (ISO 8601, which the timestamp converter also reads).
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
