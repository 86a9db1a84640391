using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using Berth.Api.Protocol;
using Berth.Core.Query;

namespace Berth.Api.Query;

/// <summary>
/// Writes query-protocol XML: <c>&lt;{Op}Response xmlns=…&gt;&lt;{Op}Result&gt;…&lt;/{Op}Result&gt;&lt;ResponseMetadata&gt;…</c>
/// from the JSON of the output record, walking the model so lists get their <c>member</c> elements and
/// timestamps their ISO 8601 form, as botocore's query parser expects.
/// </summary>
internal sealed class QueryResponseWriter(QueryModel model)
{
    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Indent = false };

    public byte[] Write(QueryOperation operation, JsonNode? output, string requestId)
    {
        using var stream = new MemoryStream();
        using (var xml = XmlWriter.Create(stream, Settings))
        {
            xml.WriteStartElement($"{operation.Name}Response", model.XmlNamespace);
            if (operation.ResultWrapper is { } wrapper && operation.Output is { } outputShape && output is JsonObject result)
            {
                xml.WriteStartElement(wrapper);
                WriteMembers(xml, model.Shape(outputShape), result);
                xml.WriteEndElement();
            }
            WriteMetadata(xml, requestId);
            xml.WriteEndElement();
        }
        return stream.ToArray();
    }

    /// <summary><c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Type/&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;</c>, as ELB, IAM and STS answer.</summary>
    public byte[] WriteError(string type, string code, string message, string requestId)
    {
        using var stream = new MemoryStream();
        using (var xml = XmlWriter.Create(stream, Settings))
        {
            xml.WriteStartElement("ErrorResponse", model.XmlNamespace);
            xml.WriteStartElement("Error");
            xml.WriteElementString("Type", type);
            xml.WriteElementString("Code", code);
            xml.WriteElementString("Message", XmlChars.Legal(message));
            xml.WriteEndElement();
            xml.WriteElementString("RequestId", requestId);
            xml.WriteEndElement();
        }
        return stream.ToArray();
    }

    private static void WriteMetadata(XmlWriter xml, string requestId)
    {
        xml.WriteStartElement("ResponseMetadata");
        xml.WriteElementString("RequestId", requestId);
        xml.WriteEndElement();
    }

    private void WriteMembers(XmlWriter xml, QueryShape shape, JsonObject value)
    {
        foreach (var member in shape.Members)
        {
            if (value[member.Name] is { } node)
            {
                WriteValue(xml, member.WireName, model.Shape(member.Shape), node);
            }
        }
    }

    private void WriteValue(XmlWriter xml, string name, QueryShape shape, JsonNode node)
    {
        switch (shape.Kind)
        {
            case QueryShapeKind.Structure:
                xml.WriteStartElement(name);
                WriteMembers(xml, shape, node.AsObject());
                xml.WriteEndElement();
                break;
            case QueryShapeKind.List:
                WriteList(xml, name, shape, node.AsArray());
                break;
            case QueryShapeKind.Map:
                WriteMap(xml, name, shape, node.AsObject());
                break;
            default:
                xml.WriteElementString(name, XmlChars.Legal(ScalarText(shape.Kind, node.AsValue())));
                break;
        }
    }

    private void WriteList(XmlWriter xml, string name, QueryShape shape, JsonArray items)
    {
        var item = shape.Item!;
        var itemShape = model.Shape(item.Shape);
        if (shape.Flattened)
        {
            foreach (var node in items)
            {
                WriteValue(xml, item.LocationName ?? name, itemShape, node!);
            }
            return;
        }
        xml.WriteStartElement(name);
        foreach (var node in items)
        {
            WriteValue(xml, item.LocationName ?? "member", itemShape, node!);
        }
        xml.WriteEndElement();
    }

    private void WriteMap(XmlWriter xml, string name, QueryShape shape, JsonObject entries)
    {
        if (!shape.Flattened)
        {
            xml.WriteStartElement(name);
        }
        foreach (var (key, node) in entries)
        {
            xml.WriteStartElement(shape.Flattened ? name : "entry");
            xml.WriteElementString(shape.Key!.WireName, XmlChars.Legal(key));
            WriteValue(xml, shape.Item!.WireName, model.Shape(shape.Item.Shape), node!);
            xml.WriteEndElement();
        }
        if (!shape.Flattened)
        {
            xml.WriteEndElement();
        }
    }

    private static string ScalarText(QueryShapeKind kind, JsonValue value) => kind switch
    {
        // Records carry timestamps as epoch seconds (the JSON protocols' form); XML wants ISO 8601.
        QueryShapeKind.Timestamp when value.GetValueKind() == JsonValueKind.Number =>
            DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(value.GetValue<double>() * 1000))
                .UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        QueryShapeKind.Boolean => value.GetValue<bool>() ? "true" : "false",
        _ => value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : value.ToJsonString(),
    };
}
