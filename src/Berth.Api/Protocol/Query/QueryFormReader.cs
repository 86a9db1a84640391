using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Berth.Api.Protocol.Query;

/// <summary>
/// Turns query-protocol parameters (<c>Dimensions.member.1.Name=…</c>, <c>Map.entry.1.key=…</c>) into the
/// JSON body of the operation's request record, guided by the record's source-generated metadata: the
/// model's shape decides whether a value is a number, a list or a nested structure.
/// </summary>
public static class QueryFormReader
{
    private sealed class Node
    {
        public Dictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);
        public string? Value { get; set; }
    }

    /// <param name="parameters">Every form parameter apart from Action and Version.</param>
    public static byte[] ToJson(IEnumerable<KeyValuePair<string, string>> parameters, JsonTypeInfo requestType)
    {
        var root = new Node();
        foreach (var (key, value) in parameters)
        {
            var node = root;
            foreach (var segment in key.Split('.'))
            {
                node = node.Children.TryGetValue(segment, out var child) ? child : node.Children[segment] = new Node();
            }
            node.Value = value;
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, root, requestType, "");
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, Node node, JsonTypeInfo type, string path)
    {
        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object:
                writer.WriteStartObject();
                foreach (var (name, child) in node.Children)
                {
                    var property = type.Properties.FirstOrDefault(p => p.Name == name)
                        ?? throw ProtocolException.Serialization($"unknown parameter {Join(path, name)}.");
                    writer.WritePropertyName(name);
                    Write(writer, child, type.Options.GetTypeInfo(property.PropertyType), Join(path, name));
                }
                writer.WriteEndObject();
                return;
            case JsonTypeInfoKind.Enumerable:
                writer.WriteStartArray();
                // "Names=" with no members is how the query protocol sends an empty list.
                foreach (var item in Indexed(node, "member", path))
                {
                    Write(writer, item, ShapeMembers.ElementType(type), $"{path}.member");
                }
                writer.WriteEndArray();
                return;
            case JsonTypeInfoKind.Dictionary:
                writer.WriteStartObject();
                foreach (var entry in Indexed(node, "entry", path))
                {
                    var key = entry.Children.GetValueOrDefault("key")?.Value
                        ?? throw ProtocolException.Serialization($"{path}.entry without a key.");
                    writer.WritePropertyName(key);
                    Write(writer, entry.Children.GetValueOrDefault("value") ?? new Node(), ShapeMembers.ElementType(type), $"{path}.entry");
                }
                writer.WriteEndObject();
                return;
            default:
                WriteScalar(writer, node, Nullable.GetUnderlyingType(type.Type) ?? type.Type, path);
                return;
        }
    }

    private static IEnumerable<Node> Indexed(Node node, string marker, string path)
    {
        if (!node.Children.TryGetValue(marker, out var items))
        {
            return node.Children.Count == 0 ? [] : throw ProtocolException.Serialization($"{path} needs {path}.{marker}.N parameters.");
        }
        return items.Children
            .Select(c => (Index: int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i > 0
                ? i
                : throw ProtocolException.Serialization($"{path}.{marker}.{c.Key}: the index must be a positive number."), c.Value))
            .OrderBy(c => c.Index)
            .Select(c => c.Value);
    }

    private static void WriteScalar(Utf8JsonWriter writer, Node node, Type type, string path)
    {
        var text = node.Children.Count == 0 && node.Value is { } value
            ? value
            : throw ProtocolException.Serialization($"{path} must be a single value.");
        if (type == typeof(string) || type == typeof(DateTimeOffset) || type == typeof(byte[]))
        {
            // Timestamps arrive as ISO 8601, which the timestamp converter reads; blobs arrive as base64.
            writer.WriteStringValue(text);
        }
        else if (type == typeof(bool))
        {
            writer.WriteBooleanValue(text switch
            {
                "true" => true,
                "false" => false,
                _ => throw ProtocolException.Serialization($"{path} must be true or false."),
            });
        }
        else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            writer.WriteRawValue(text.Trim(), skipInputValidation: false);
        }
        else
        {
            throw ProtocolException.Serialization($"{path} must be a number.");
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
