using System.Formats.Cbor;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Berth.Api.Tests.CloudWatch;

/// <summary>
/// Sends CloudWatch operations in each of the three protocols its model lists, as botocore does: RPC v2 CBOR
/// (members named as in the model, timestamps tagged), AWS JSON 1.0 and query (form in, XML out).
/// </summary>
public sealed class CloudWatchClient(HttpClient http, string region)
{
    public sealed record Answer(HttpStatusCode Status, HttpResponseHeaders Headers, string? ContentType, JsonNode? Body, XDocument? Xml);

    private static readonly HashSet<string> TimestampMembers = ["StartTime", "EndTime", "Timestamp"];

    /// <summary>
    /// A PutMetricAlarm body on a one-minute Sum of App/<paramref name="metricName"/> that one datum of 1 sets off:
    /// tests that move alarms with SetAlarmState need only a valid alarm, not particular metric settings.
    /// </summary>
    public static JsonObject SumAlarm(string name, string metricName = "Errors") => new()
    {
        ["AlarmName"] = name,
        ["Namespace"] = "App",
        ["MetricName"] = metricName,
        ["Statistic"] = "Sum",
        ["Period"] = 60,
        ["EvaluationPeriods"] = 1,
        ["Threshold"] = 1,
        ["ComparisonOperator"] = "GreaterThanOrEqualToThreshold",
    };

    public async Task<Answer> JsonAsync(string operation, JsonObject body)
    {
        using var request = Request("/", new StringContent(body.ToJsonString(), Encoding.UTF8), "application/x-amz-json-1.0");
        request.Headers.Add("X-Amz-Target", $"GraniteServiceVersion20100801.{operation}");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, response.Headers, response.Content.Headers.ContentType?.MediaType, JsonNode.Parse(text), null);
    }

    /// <param name="gzip">Compress the body as botocore does for PutMetricData bodies of 10 kB and more.</param>
    public async Task<Answer> CborAsync(string operation, JsonObject body, bool gzip = false)
    {
        var writer = new CborWriter();
        WriteCbor(writer, body, null);
        var encoded = gzip ? Gzip(writer.Encode()) : writer.Encode();
        using var request = Request($"/service/GraniteServiceVersion20100801/operation/{operation}", new ByteArrayContent(encoded), "application/cbor");
        request.Headers.Add("smithy-protocol", "rpc-v2-cbor");
        if (gzip)
        {
            request.Content!.Headers.ContentEncoding.Add("gzip");
        }
        using var response = await http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return new Answer(response.StatusCode, response.Headers, response.Content.Headers.ContentType?.MediaType,
            bytes.Length == 0 ? null : ReadCbor(new CborReader(bytes)), null);
    }

    public Task<Answer> QueryAsync(string operation, params (string Key, string Value)[] parameters) =>
        FormAsync([("Action", operation), ("Version", "2010-08-01"), .. parameters]);

    /// <summary>A form as it is, without the Action and Version <see cref="QueryAsync"/> adds.</summary>
    public async Task<Answer> FormAsync(params (string Key, string Value)[] parameters)
    {
        var form = parameters.Select(p => KeyValuePair.Create(p.Key, p.Value));
        using var request = Request("/", new FormUrlEncodedContent(form), null);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, response.Headers, response.Content.Headers.ContentType?.MediaType, null, XDocument.Parse(text));
    }

    public static byte[] Gzip(byte[] data)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }
        return compressed.ToArray();
    }

    private HttpRequestMessage Request(string path, HttpContent content, string? contentType)
    {
        if (contentType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential=AKID/20260101/{region}/monitoring/aws4_request, SignedHeaders=host, Signature=abc");
        return request;
    }

    private static void WriteCbor(CborWriter writer, JsonNode? node, string? member)
    {
        switch (node)
        {
            case JsonObject o:
                writer.WriteStartMap(o.Count);
                foreach (var (key, value) in o)
                {
                    writer.WriteTextString(key);
                    WriteCbor(writer, value, key);
                }
                writer.WriteEndMap();
                break;
            case JsonArray a:
                writer.WriteStartArray(a.Count);
                foreach (var item in a)
                {
                    WriteCbor(writer, item, null);
                }
                writer.WriteEndArray();
                break;
            case JsonValue v when v.TryGetValue<string>(out var s):
                writer.WriteTextString(s);
                break;
            case JsonValue v when v.TryGetValue<bool>(out var b):
                writer.WriteBoolean(b);
                break;
            case JsonValue v:
                if (member is not null && TimestampMembers.Contains(member))
                {
                    writer.WriteTag(CborTag.UnixTimeSeconds);
                }
                if (v.TryGetValue<long>(out var integer) || v.TryGetValue<int>(out var small) && (integer = small) == small)
                {
                    writer.WriteInt64(integer);
                }
                else
                {
                    writer.WriteDouble(v.GetValue<double>());
                }
                break;
            default:
                writer.WriteNull();
                break;
        }
    }

    private static JsonNode? ReadCbor(CborReader reader)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
                reader.ReadStartMap();
                var o = new JsonObject();
                while (reader.PeekState() != CborReaderState.EndMap)
                {
                    o[reader.ReadTextString()] = ReadCbor(reader);
                }
                reader.ReadEndMap();
                return o;
            case CborReaderState.StartArray:
                reader.ReadStartArray();
                var a = new JsonArray();
                while (reader.PeekState() != CborReaderState.EndArray)
                {
                    a.Add(ReadCbor(reader));
                }
                reader.ReadEndArray();
                return a;
            case CborReaderState.Tag:
                // Only timestamps are tagged; marking them keeps the assertion honest about the tag.
                Assert.Equal(CborTag.UnixTimeSeconds, reader.ReadTag());
                return JsonValue.Create($"t:{reader.ReadDouble()}");
            case CborReaderState.TextString:
                return reader.ReadTextString();
            case CborReaderState.Boolean:
                return reader.ReadBoolean();
            case CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger:
                return reader.ReadInt64();
            default:
                return reader.ReadDouble();
        }
    }
}
