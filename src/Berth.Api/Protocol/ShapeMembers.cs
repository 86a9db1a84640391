using System.Text.Json.Serialization.Metadata;

namespace Berth.Api.Protocol;

/// <summary>
/// Walks a response record through its System.Text.Json source-generated metadata, without reflection, so
/// the CBOR and XML writers serialize the same generated records the JSON protocols do.
/// </summary>
internal static class ShapeMembers
{
    /// <summary>The members of a structure that are set, in model order, each with the metadata of its declared type.</summary>
    public static List<(string Name, object Value, JsonTypeInfo Type)> SetMembers(object structure, JsonTypeInfo type)
    {
        var members = new List<(string, object, JsonTypeInfo)>(type.Properties.Count);
        foreach (var property in type.Properties)
        {
            if (property.Get?.Invoke(structure) is { } value)
            {
                members.Add((property.Name, value, type.Options.GetTypeInfo(property.PropertyType)));
            }
        }
        return members;
    }

    /// <summary>The metadata of a list's members or a map's values.</summary>
    public static JsonTypeInfo ElementType(JsonTypeInfo type) =>
        type.Options.GetTypeInfo(type.ElementType ?? throw new InvalidOperationException($"{type.Type.Name} has no element type."));
}
