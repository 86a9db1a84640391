using System.Formats.Cbor;
using System.Text;
using System.Text.Json;
using Berth.Api.Protocol;
using Berth.Api.Protocol.Cbor;
using Berth.Core.CloudWatch;

namespace Berth.Api.Tests.Protocol;

public class CborCodecTests
{
    private static readonly DateTimeOffset Time = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_request_becomes_the_aws_json_body_that_means_the_same()
    {
        var writer = new CborWriter();
        writer.WriteStartMap(null); // botocore writes definite maps; indefinite ones are CBOR too
        writer.WriteTextString("Namespace");
        writer.WriteTextString("App");
        writer.WriteTextString("MetricData");
        writer.WriteStartArray(1);
        writer.WriteStartMap(4);
        writer.WriteTextString("MetricName");
        writer.WriteTextString("m");
        writer.WriteTextString("Timestamp");
        writer.WriteTag(CborTag.UnixTimeSeconds);
        writer.WriteInt64(Time.ToUnixTimeSeconds());
        writer.WriteTextString("Value");
        writer.WriteDouble(-1.5);
        writer.WriteTextString("Counts");
        writer.WriteStartArray(2);
        writer.WriteUInt64(3);
        writer.WriteHalf((Half)0.5);
        writer.WriteEndArray();
        writer.WriteEndMap();
        writer.WriteEndArray();
        writer.WriteEndMap();

        var json = CborToJson.Convert(writer.Encode());
        var input = JsonSerializer.Deserialize(json, CloudWatchJsonContext.Default.PutMetricDataInput)!;

        Assert.Equal("""{"Namespace":"App","MetricData":[{"MetricName":"m","Timestamp":1796119200,"Value":-1.5,"Counts":[3,0.5]}]}""", Encoding.UTF8.GetString(json));
        var datum = Assert.Single(input.MetricData!);
        Assert.Equal((Time, -1.5), (datum.Timestamp, datum.Value));
    }

    [Theory]
    [InlineData(new byte[] { 0xA1, 0x01, 0x02 }, "map keys must be text strings")]
    [InlineData(new byte[] { 0xC2, 0x41, 0x00 }, "CBOR tag 2")]
    [InlineData(new byte[] { 0xA1 }, "invalid CBOR")]
    [InlineData(new byte[] { 0xA0, 0xA0 }, "trailing bytes")]
    // Seen by the API fuzzer: cloudwatch.PutDashboard over CBOR with {"a": -2^64} was answered 500 (OverflowException).
    [InlineData(new byte[] { 0xA1, 0x61, 0x61, 0x3B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, "out of range")]
    public void Malformed_cbor_is_a_serialization_error(byte[] body, string detail)
    {
        var error = Assert.Throws<ProtocolException>(() => CborToJson.Convert(body));

        Assert.Equal("SerializationException", error.ErrorCode);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_response_is_written_with_tagged_timestamps_and_without_absent_members()
    {
        var output = new GetMetricDataOutput
        {
            MetricDataResults = [new MetricDataResult { Id = "q", Timestamps = [Time], Values = [2.5], StatusCode = "Complete" }],
        };

        var reader = new CborReader(CborShapeWriter.Write(output, CloudWatchJsonContext.Default.GetMetricDataOutput));

        Assert.Equal(1, reader.ReadStartMap());
        Assert.Equal("MetricDataResults", reader.ReadTextString());
        Assert.Equal(1, reader.ReadStartArray());
        Assert.Equal(4, reader.ReadStartMap());
        Assert.Equal(("Id", "q"), (reader.ReadTextString(), reader.ReadTextString()));
        Assert.Equal("Timestamps", reader.ReadTextString());
        reader.ReadStartArray();
        Assert.Equal(CborTag.UnixTimeSeconds, reader.ReadTag());
        Assert.Equal(Time.ToUnixTimeSeconds(), reader.ReadDouble());
        reader.ReadEndArray();
        Assert.Equal("Values", reader.ReadTextString());
        reader.ReadStartArray();
        Assert.Equal(2.5, reader.ReadDouble());
        reader.ReadEndArray();
        Assert.Equal(("StatusCode", "Complete"), (reader.ReadTextString(), reader.ReadTextString()));
    }
}
