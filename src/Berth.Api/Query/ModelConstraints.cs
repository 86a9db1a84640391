using System.Text.Json.Nodes;
using Berth.Core.Errors;
using Berth.Core.Query;

namespace Berth.Api.Query;

/// <summary>
/// The two rules of a model that the generated request records cannot carry, since every member of theirs is
/// nullable and every enum a string: a structure's required members must be there, and an enum's value must be one
/// the model lists. A request that breaks either is a ValidationError in AWS's words, naming the parameter, and
/// changes nothing. The query reader applies them as it reads a form (<see cref="QueryRequestReader"/>); a JSON
/// service with a query model (CloudWatch) has its JSON and CBOR requests' enums checked by <see cref="CheckEnums"/>.
/// </summary>
internal static class ModelConstraints
{
    public static void RequirePresent(QueryMember member, bool present, string name)
    {
        if (member.Required && !present)
        {
            throw new QueryValidationException($"1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null");
        }
    }

    public static void RequireAllowed(QueryShape shape, string value, string name)
    {
        if (shape.Values is { } values && !values.Contains(value))
        {
            throw new QueryValidationException(
                $"1 validation error detected: Value '{value}' at '{name}' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", values)}]");
        }
    }

    /// <summary>
    /// Checks the enum values of a request's JSON against its input shape, naming a member by its path
    /// (<c>AlarmTypes[0]</c>). Values of another type than the shape's are left to the record's deserializer, which
    /// refuses them, and missing members to the handlers, which answer the service's own error for them.
    /// </summary>
    public static void CheckEnums(QueryModel model, string shapeName, JsonNode? node, string path)
    {
        var shape = model.Shape(shapeName);
        switch (shape.Kind, node)
        {
            case (QueryShapeKind.Structure, JsonObject structure):
                foreach (var member in shape.Members)
                {
                    CheckEnums(model, member.Shape, structure[member.Name], path.Length == 0 ? member.Name : $"{path}.{member.Name}");
                }
                break;
            case (QueryShapeKind.List, JsonArray list):
                for (var i = 0; i < list.Count; i++)
                {
                    CheckEnums(model, shape.Item!.Shape, list[i], $"{path}[{i}]");
                }
                break;
            case (QueryShapeKind.Map, JsonObject map):
                foreach (var (key, value) in map)
                {
                    CheckEnums(model, shape.Item!.Shape, value, $"{path}.{key}");
                }
                break;
            case (QueryShapeKind.String, JsonValue value) when value.TryGetValue<string>(out var text):
                RequireAllowed(shape, text, path);
                break;
        }
    }
}
