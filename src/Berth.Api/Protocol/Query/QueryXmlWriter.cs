using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization.Metadata;
using System.Xml;

namespace Berth.Api.Protocol.Query;

/// <summary>
/// Writes query-protocol answers: <c>&lt;{Op}Response&gt;&lt;{Op}Result&gt;…&lt;/{Op}Result&gt;&lt;ResponseMetadata&gt;…</c>
/// with lists as <c>&lt;member&gt;</c> elements and timestamps in ISO 8601, and errors as
/// <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Type/&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;</c>.
/// </summary>
public static class QueryXmlWriter
{
    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Indent = false };

    public static byte[] WriteResult(string operation, string xmlNamespace, OperationResult result, string requestId) =>
        Document(writer =>
        {
            writer.WriteStartElement(operation + "Response", xmlNamespace);
            // Operations without an output shape (PutMetricData) answer with ResponseMetadata alone.
            if (result.Type.Properties.Count > 0)
            {
                writer.WriteStartElement(operation + "Result");
                WriteMembers(writer, result.Value, result.Type);
                writer.WriteEndElement();
            }
            writer.WriteStartElement("ResponseMetadata");
            writer.WriteElementString("RequestId", requestId);
            writer.WriteEndElement();
            writer.WriteEndElement();
        });

    public static byte[] WriteError(string xmlNamespace, ApiError error, string requestId) =>
        Document(writer =>
        {
            writer.WriteStartElement("ErrorResponse", xmlNamespace);
            writer.WriteStartElement("Error");
            writer.WriteElementString("Type", error.Fault);
            writer.WriteElementString("Code", error.QueryCode ?? error.Code);
            writer.WriteElementString("Message", XmlChars.Legal(error.Message));
            writer.WriteEndElement();
            writer.WriteElementString("RequestId", requestId);
            writer.WriteEndElement();
        });

    private static byte[] Document(Action<XmlWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, Settings))
        {
            write(writer);
        }
        return stream.ToArray();
    }

    private static void WriteMembers(XmlWriter writer, object structure, JsonTypeInfo type)
    {
        foreach (var (name, value, memberType) in ShapeMembers.SetMembers(structure, type))
        {
            writer.WriteStartElement(name);
            WriteValue(writer, value, memberType);
            writer.WriteEndElement();
        }
    }

    private static void WriteValue(XmlWriter writer, object value, JsonTypeInfo type)
    {
        switch (value)
        {
            case string s:
                writer.WriteString(XmlChars.Legal(s));
                return;
            case bool b:
                writer.WriteString(b ? "true" : "false");
                return;
            case DateTimeOffset t:
                writer.WriteString(t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                return;
            case byte[] bytes:
                writer.WriteString(Convert.ToBase64String(bytes));
                return;
            case IFormattable number when type.Kind == JsonTypeInfoKind.None:
                writer.WriteString(number.ToString(null, CultureInfo.InvariantCulture));
                return;
        }
        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object:
                WriteMembers(writer, value, type);
                return;
            case JsonTypeInfoKind.Enumerable:
                var itemType = ShapeMembers.ElementType(type);
                foreach (var item in (IEnumerable)value)
                {
                    writer.WriteStartElement("member");
                    WriteValue(writer, item, itemType);
                    writer.WriteEndElement();
                }
                return;
            case JsonTypeInfoKind.Dictionary:
                var valueType = ShapeMembers.ElementType(type);
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    writer.WriteStartElement("entry");
                    writer.WriteElementString("key", XmlChars.Legal((string)entry.Key));
                    writer.WriteStartElement("value");
                    WriteValue(writer, entry.Value!, valueType);
                    writer.WriteEndElement();
                    writer.WriteEndElement();
                }
                return;
            default:
                throw new InvalidOperationException($"No XML mapping for {type.Type.Name}.");
        }
    }
}
