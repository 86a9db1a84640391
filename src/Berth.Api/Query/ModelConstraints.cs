using System.Text.Json.Nodes;
using Berth.Core.Errors;
using Berth.Core.Query;

namespace Berth.Api.Query;

/// <summary>
/// The two rules of a model that the generated request records cannot carry, since every member of theirs is
/// nullable and every enum a string: a structure's required members must be there, and an enum's value must be one
/// the model lists. A request that breaks either is refused, naming the member, and changes nothing. A service's
/// operation table checks every request's JSON before the operation reads it (<see cref="Protocol.OperationTable"/>):
/// the JSON a query form is read into (ELBv2, IAM, STS), and CloudWatch's JSON and CBOR requests as well.
/// </summary>
/// <param name="missing">The service's error for a required member that is not there, given the member's name: ELBv2,
/// IAM and STS answer <see cref="ValidationError"/>, CloudWatch its own MissingParameter.</param>
public sealed class ModelConstraints(QueryModel model, Func<string, AwsServiceException> missing)
{
    /// <summary>The error ELBv2, IAM and STS answer for a required member that is not there, in AWS's words.</summary>
    public static AwsServiceException ValidationError(string name) =>
        new QueryValidationException($"1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null");

    internal QueryModel Model => model;

    private void RequirePresent(QueryMember member, bool present, string name)
    {
        if (member.Required && !present)
        {
            throw missing(name);
        }
    }

    /// <summary>An enum's value outside the model's is a ValidationError in every query service (CloudWatch's too).</summary>
    private static void RequireAllowed(QueryShape shape, string value, string name)
    {
        if (shape.Values is { } values && !values.Contains(value))
        {
            throw new QueryValidationException(
                $"1 validation error detected: Value '{value}' at '{name}' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", values)}]");
        }
    }

    /// <summary>
    /// Checks a request's JSON against its input shape, naming a member by its path (<c>Dimensions[0].Name</c>; a JSON
    /// null is a member that is not there). Values of another type than the shape's are left to the record's
    /// deserializer, which refuses them.
    /// </summary>
    internal void Check(string shapeName, JsonNode? node, string path)
    {
        var shape = model.Shape(shapeName);
        switch (shape.Kind, node)
        {
            case (QueryShapeKind.Structure, JsonObject structure):
                foreach (var member in shape.Members)
                {
                    var memberPath = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
                    var value = structure[member.Name];
                    RequirePresent(member, value is not null, memberPath);
                    Check(member.Shape, value, memberPath);
                }
                break;
            case (QueryShapeKind.List, JsonArray list):
                for (var i = 0; i < list.Count; i++)
                {
                    Check(shape.Item!.Shape, list[i], $"{path}[{i}]");
                }
                break;
            case (QueryShapeKind.Map, JsonObject map):
                foreach (var (key, value) in map)
                {
                    Check(shape.Item!.Shape, value, $"{path}.{key}");
                }
                break;
            case (QueryShapeKind.String, JsonValue value) when value.TryGetValue<string>(out var text):
                RequireAllowed(shape, text, path);
                break;
        }
    }
}
