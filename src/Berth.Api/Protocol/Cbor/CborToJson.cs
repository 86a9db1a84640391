using System.Buffers;
using System.Formats.Cbor;
using System.Text.Json;

namespace Berth.Api.Protocol.Cbor;

/// <summary>
/// Translates a Smithy RPC v2 CBOR request body into the AWS JSON body that means the same, so one set of
/// generated records and handlers serves both protocols. Timestamps (tag 1, epoch seconds) become JSON
/// numbers and blobs base64 strings, exactly as the AWS JSON protocols send them.
/// See https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html.
/// </summary>
internal static class CborToJson
{
    /// <summary>Nesting deeper than this is not a real request; refusing it keeps recursion bounded.</summary>
    private const int MaxDepth = 64;

    public static byte[] Convert(ReadOnlyMemory<byte> cbor)
    {
        if (cbor.IsEmpty)
        {
            return [];
        }
        var buffer = new ArrayBufferWriter<byte>(cbor.Length * 2);
        try
        {
            var reader = new CborReader(cbor, CborConformanceMode.Lax);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                WriteItem(reader, writer, 0);
            }
            if (reader.BytesRemaining > 0)
            {
                throw ProtocolException.Serialization("trailing bytes after the CBOR data item.");
            }
        }
        catch (CborContentException e)
        {
            throw ProtocolException.Serialization($"invalid CBOR: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw ProtocolException.Serialization($"invalid CBOR: {e.Message}");
        }
        catch (OverflowException)
        {
            // -2^64 … -2^63-1 are CBOR integers, but no AWS number shape holds them.
            throw ProtocolException.Serialization("a CBOR integer is out of range.");
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteItem(CborReader reader, Utf8JsonWriter writer, int depth)
    {
        if (depth > MaxDepth)
        {
            throw ProtocolException.Serialization($"nesting deeper than {MaxDepth}.");
        }
        switch (reader.PeekState())
        {
            case CborReaderState.UnsignedInteger:
                writer.WriteNumberValue(reader.ReadUInt64());
                break;
            case CborReaderState.NegativeInteger:
                writer.WriteNumberValue(reader.ReadInt64());
                break;
            case CborReaderState.HalfPrecisionFloat or CborReaderState.SinglePrecisionFloat or CborReaderState.DoublePrecisionFloat:
                WriteDouble(writer, reader.ReadDouble());
                break;
            case CborReaderState.TextString or CborReaderState.StartIndefiniteLengthTextString:
                writer.WriteStringValue(reader.ReadTextString());
                break;
            case CborReaderState.ByteString or CborReaderState.StartIndefiniteLengthByteString:
                writer.WriteBase64StringValue(reader.ReadByteString());
                break;
            case CborReaderState.Boolean:
                writer.WriteBooleanValue(reader.ReadBoolean());
                break;
            case CborReaderState.Null or CborReaderState.SimpleValue:
                reader.SkipValue();
                writer.WriteNullValue();
                break;
            case CborReaderState.Tag:
                var tag = reader.ReadTag();
                if (tag != CborTag.UnixTimeSeconds)
                {
                    throw ProtocolException.Serialization($"CBOR tag {(ulong)tag} is not used by AWS protocols (only tag 1, timestamps).");
                }
                WriteItem(reader, writer, depth + 1);
                break;
            case CborReaderState.StartArray:
                reader.ReadStartArray();
                writer.WriteStartArray();
                while (reader.PeekState() != CborReaderState.EndArray)
                {
                    WriteItem(reader, writer, depth + 1);
                }
                reader.ReadEndArray();
                writer.WriteEndArray();
                break;
            case CborReaderState.StartMap:
                reader.ReadStartMap();
                writer.WriteStartObject();
                while (reader.PeekState() != CborReaderState.EndMap)
                {
                    if (reader.PeekState() is not (CborReaderState.TextString or CborReaderState.StartIndefiniteLengthTextString))
                    {
                        throw ProtocolException.Serialization("map keys must be text strings.");
                    }
                    writer.WritePropertyName(reader.ReadTextString());
                    WriteItem(reader, writer, depth + 1);
                }
                reader.ReadEndMap();
                writer.WriteEndObject();
                break;
            default:
                throw ProtocolException.Serialization($"unexpected CBOR item {reader.PeekState()}.");
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (!double.IsFinite(value))
        {
            throw ProtocolException.Serialization("NaN and infinite numbers are not accepted.");
        }
        writer.WriteNumberValue(value);
    }
}
