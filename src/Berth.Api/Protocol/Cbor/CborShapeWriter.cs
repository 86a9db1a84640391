using System.Collections;
using System.Formats.Cbor;
using System.Text.Json.Serialization.Metadata;

namespace Berth.Api.Protocol.Cbor;

/// <summary>
/// Serializes a generated response record as Smithy RPC v2 CBOR: structures and maps as CBOR maps, lists as
/// arrays, timestamps as tag 1 around epoch seconds, blobs as byte strings. Absent members are left out.
/// </summary>
internal static class CborShapeWriter
{
    public static byte[] Write(object value, JsonTypeInfo type)
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        WriteValue(writer, value, type);
        return writer.Encode();
    }

    /// <summary>The error body: <c>__type</c> names the error, as botocore's RpcV2CBORParser reads it.</summary>
    public static byte[] WriteError(string code, string message)
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(2);
        writer.WriteTextString("__type");
        writer.WriteTextString(code);
        writer.WriteTextString("message");
        writer.WriteTextString(message);
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static void WriteValue(CborWriter writer, object value, JsonTypeInfo type)
    {
        switch (value)
        {
            case string s:
                writer.WriteTextString(s);
                return;
            case bool b:
                writer.WriteBoolean(b);
                return;
            case int i:
                writer.WriteInt32(i);
                return;
            case long l:
                writer.WriteInt64(l);
                return;
            case double d:
                writer.WriteDouble(d);
                return;
            case float f:
                writer.WriteSingle(f);
                return;
            case DateTimeOffset t:
                writer.WriteTag(CborTag.UnixTimeSeconds);
                writer.WriteDouble(t.ToUnixTimeMilliseconds() / 1000.0);
                return;
            case byte[] bytes:
                writer.WriteByteString(bytes);
                return;
        }
        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object:
                var members = ShapeMembers.SetMembers(value, type);
                writer.WriteStartMap(members.Count);
                foreach (var (name, member, memberType) in members)
                {
                    writer.WriteTextString(name);
                    WriteValue(writer, member, memberType);
                }
                writer.WriteEndMap();
                return;
            case JsonTypeInfoKind.Dictionary:
                var entries = ((IDictionary)value).Cast<DictionaryEntry>().Where(e => e.Value is not null).ToList();
                var valueType = ShapeMembers.ElementType(type);
                writer.WriteStartMap(entries.Count);
                foreach (var entry in entries)
                {
                    writer.WriteTextString((string)entry.Key);
                    WriteValue(writer, entry.Value!, valueType);
                }
                writer.WriteEndMap();
                return;
            case JsonTypeInfoKind.Enumerable:
                var items = ((IEnumerable)value).Cast<object>().ToList();
                var itemType = ShapeMembers.ElementType(type);
                writer.WriteStartArray(items.Count);
                foreach (var item in items)
                {
                    WriteValue(writer, item, itemType);
                }
                writer.WriteEndArray();
                return;
            default:
                throw new InvalidOperationException($"No CBOR mapping for {type.Type.Name}.");
        }
    }
}
