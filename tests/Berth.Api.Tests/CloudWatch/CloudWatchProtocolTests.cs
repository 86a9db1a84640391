using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Berth.Api.Tests.CloudWatch;

public class CloudWatchProtocolTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private static int _regions;
    private static readonly XNamespace Xmlns = "http://monitoring.amazonaws.com/doc/2010-08-01/";

    private readonly CloudWatchClient _cw = new(server.Http, $"cw-{Interlocked.Increment(ref _regions).ToString(CultureInfo.InvariantCulture)}");

    /// <summary>A whole minute a few minutes ago, so every datum lands in one known minute.</summary>
    private static readonly long Minute = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 - 5) * 60;

    private static JsonObject Datum(double value, int secondsIntoMinute) => new()
    {
        ["MetricName"] = "Latency",
        ["Dimensions"] = new JsonArray(new JsonObject { ["Name"] = "Service", ["Value"] = "web" }),
        ["Timestamp"] = Minute + secondsIntoMinute,
        ["Value"] = value,
        ["Unit"] = "Milliseconds",
    };

    private static JsonObject StatisticsRequest() => new()
    {
        ["Namespace"] = "App",
        ["MetricName"] = "Latency",
        ["Dimensions"] = new JsonArray(new JsonObject { ["Name"] = "Service", ["Value"] = "web" }),
        ["StartTime"] = Minute - 60,
        ["EndTime"] = Minute + 120,
        ["Period"] = 60,
        ["Statistics"] = new JsonArray("Average", "Maximum", "SampleCount"),
    };

    [Fact]
    public async Task Data_put_in_one_protocol_reads_the_same_in_all_three()
    {
        var put = await _cw.JsonAsync("PutMetricData", new JsonObject { ["Namespace"] = "App", ["MetricData"] = new JsonArray(Datum(10, 5), Datum(30, 40)) });
        var cborPut = await _cw.CborAsync("PutMetricData", new JsonObject { ["Namespace"] = "App", ["MetricData"] = new JsonArray(Datum(20, 50)) });

        var json = await _cw.JsonAsync("GetMetricStatistics", StatisticsRequest());
        var cbor = await _cw.CborAsync("GetMetricStatistics", StatisticsRequest());
        var query = await _cw.QueryAsync("GetMetricStatistics",
            ("Namespace", "App"), ("MetricName", "Latency"),
            ("Dimensions.member.1.Name", "Service"), ("Dimensions.member.1.Value", "web"),
            ("StartTime", DateTimeOffset.FromUnixTimeSeconds(Minute - 60).ToString("O", CultureInfo.InvariantCulture)),
            ("EndTime", DateTimeOffset.FromUnixTimeSeconds(Minute + 120).ToString("O", CultureInfo.InvariantCulture)),
            ("Period", "60"), ("Statistics.member.1", "Average"), ("Statistics.member.2", "Maximum"), ("Statistics.member.3", "SampleCount"));

        Assert.Equal((HttpStatusCode.OK, "application/x-amz-json-1.0"), (put.Status, put.ContentType));
        Assert.Equal((HttpStatusCode.OK, "application/cbor"), (cborPut.Status, cborPut.ContentType));
        Assert.Equal("rpc-v2-cbor", cbor.Headers.GetValues("smithy-protocol").Single());
        JsonAssert.Equal($$"""{"Label":"Latency","Datapoints":[{"Timestamp":{{Minute}},"SampleCount":3,"Average":20,"Maximum":30,"Unit":"Milliseconds"}]}""", json.Body!);
        JsonAssert.Equal($$"""{"Label":"Latency","Datapoints":[{"Timestamp":"t:{{Minute}}","SampleCount":3,"Average":20,"Maximum":30,"Unit":"Milliseconds"}]}""", cbor.Body!);
        var point = query.Xml!.Descendants(Xmlns + "Datapoints").Single().Element(Xmlns + "member")!;
        Assert.Equal(
            (DateTimeOffset.FromUnixTimeSeconds(Minute).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), "3", "20", "30"),
            (point.Element(Xmlns + "Timestamp")!.Value, point.Element(Xmlns + "SampleCount")!.Value, point.Element(Xmlns + "Average")!.Value, point.Element(Xmlns + "Maximum")!.Value));
        Assert.NotNull(query.Xml.Descendants(Xmlns + "RequestId").SingleOrDefault());
    }

    [Fact]
    public async Task Get_metric_data_agrees_with_get_metric_statistics()
    {
        await _cw.CborAsync("PutMetricData", new JsonObject { ["Namespace"] = "App", ["MetricData"] = new JsonArray(Datum(4, 1), Datum(8, 2), Datum(6, 70)) });

        var statistics = await _cw.JsonAsync("GetMetricStatistics", StatisticsRequest());
        var data = await _cw.JsonAsync("GetMetricData", new JsonObject
        {
            ["MetricDataQueries"] = new JsonArray(new JsonObject
            {
                ["Id"] = "avg",
                ["MetricStat"] = new JsonObject
                {
                    ["Metric"] = new JsonObject
                    {
                        ["Namespace"] = "App",
                        ["MetricName"] = "Latency",
                        ["Dimensions"] = new JsonArray(new JsonObject { ["Name"] = "Service", ["Value"] = "web" }),
                    },
                    ["Period"] = 60,
                    ["Stat"] = "Average",
                },
            }),
            ["StartTime"] = Minute - 60,
            ["EndTime"] = Minute + 120,
            ["ScanBy"] = "TimestampAscending",
        });

        var points = statistics.Body!["Datapoints"]!.AsArray();
        var result = data.Body!["MetricDataResults"]![0]!;
        Assert.Equal([6.0, 6.0], points.Select(p => p!["Average"]!.GetValue<double>()));
        Assert.Equal(points.Select(p => p!["Timestamp"]!.GetValue<long>()), result["Timestamps"]!.AsArray().Select(t => t!.GetValue<long>()));
        Assert.Equal(points.Select(p => p!["Average"]!.GetValue<double>()), result["Values"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal(("avg", "Latency", "Complete"), (result["Id"]!.GetValue<string>(), result["Label"]!.GetValue<string>(), result["StatusCode"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Errors_carry_the_query_code_in_every_protocol()
    {
        var bad = StatisticsRequest();
        bad["EndTime"] = Minute - 120;

        var json = await _cw.JsonAsync("GetMetricStatistics", bad);
        var cbor = await _cw.CborAsync("GetMetricStatistics", bad);
        var query = await _cw.QueryAsync("GetMetricStatistics", ("Namespace", "App"));

        Assert.Equal(HttpStatusCode.BadRequest, json.Status);
        Assert.Equal("InvalidParameterValueException", json.Body!["__type"]!.GetValue<string>());
        Assert.Equal("InvalidParameterValue;Sender", json.Headers.GetValues("x-amzn-query-error").Single());
        Assert.Equal(HttpStatusCode.BadRequest, cbor.Status);
        Assert.Equal("InvalidParameterValueException", cbor.Body!["__type"]!.GetValue<string>());
        Assert.Equal("rpc-v2-cbor", cbor.Headers.GetValues("smithy-protocol").Single());
        Assert.Equal("InvalidParameterValue;Sender", cbor.Headers.GetValues("x-amzn-query-error").Single());
        var error = query.Xml!.Root!.Element(Xmlns + "Error")!;
        Assert.Equal(("Sender", "MissingParameter"), (error.Element(Xmlns + "Type")!.Value, error.Element(Xmlns + "Code")!.Value));
    }

    [Fact]
    public async Task A_value_outside_an_enum_is_a_validation_error_in_every_protocol()
    {
        var request = new JsonObject { ["MetricName"] = "Latency", ["Namespace"] = "App", ["Statistic"] = "Median" };

        var json = await _cw.JsonAsync("DescribeAlarmsForMetric", request);
        var cbor = await _cw.CborAsync("DescribeAlarmsForMetric", request);
        var query = await _cw.QueryAsync("DescribeAlarmsForMetric", ("MetricName", "Latency"), ("Namespace", "App"), ("Statistic", "Median"));

        const string Message = "1 validation error detected: Value 'Median' at 'Statistic' failed to satisfy constraint: Member must satisfy enum value set: "
            + "[SampleCount, Average, Sum, Minimum, Maximum]";
        Assert.Equal((HttpStatusCode.BadRequest, "ValidationError", Message),
            (json.Status, json.Body!["__type"]!.GetValue<string>(), json.Body!["message"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "ValidationError", Message),
            (cbor.Status, cbor.Body!["__type"]!.GetValue<string>(), cbor.Body!["message"]!.GetValue<string>()));
        var error = query.Xml!.Root!.Element(Xmlns + "Error")!;
        Assert.Equal(("ValidationError", Message), (error.Element(Xmlns + "Code")!.Value, error.Element(Xmlns + "Message")!.Value));
    }

    [Fact]
    public async Task Query_requests_find_cloudwatch_by_signing_name_without_a_version_and_refuse_unknown_parameters()
    {
        var unversioned = await _cw.FormAsync(("Action", "ListMetrics"), ("Namespace", "App"));
        var unknown = await _cw.QueryAsync("ListMetrics", ("Namespace", "App"), ("Frobnicate", "1"));

        Assert.Equal(HttpStatusCode.OK, unversioned.Status);
        Assert.Equal(Xmlns + "ListMetricsResponse", unversioned.Xml!.Root!.Name);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        var error = unknown.Xml!.Root!.Element(Xmlns + "Error")!;
        Assert.Equal(("Sender", "ValidationError"), (error.Element(Xmlns + "Type")!.Value, error.Element(Xmlns + "Code")!.Value));
        Assert.Contains("Frobnicate", error.Element(Xmlns + "Message")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metric_math_and_operations_berth_lacks_are_refused_clearly()
    {
        var math = await _cw.CborAsync("GetMetricData", new JsonObject
        {
            ["MetricDataQueries"] = new JsonArray(new JsonObject { ["Id"] = "e", ["Expression"] = "m1 * 2" }),
            ["StartTime"] = Minute,
            ["EndTime"] = Minute + 60,
        });
        var alarms = await _cw.CborAsync("PutCompositeAlarm", new JsonObject { ["AlarmName"] = "both", ["AlarmRule"] = "ALARM(a)" });
        var unknown = await _cw.CborAsync("Frobnicate", new JsonObject());

        Assert.Contains("metric math", math.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("UnsupportedFeatureException", alarms.Body!["__type"]!.GetValue<string>());
        Assert.Equal("UnknownOperationException", unknown.Body!["__type"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_metrics_filters_by_dimension()
    {
        await _cw.JsonAsync("PutMetricData", new JsonObject { ["Namespace"] = "App", ["MetricData"] = new JsonArray(Datum(1, 0)) });
        await _cw.JsonAsync("PutMetricData", new JsonObject
        {
            ["Namespace"] = "App",
            ["MetricData"] = new JsonArray(new JsonObject { ["MetricName"] = "Errors", ["Value"] = 1 }),
        });

        var web = await _cw.QueryAsync("ListMetrics", ("Dimensions.member.1.Name", "Service"), ("Dimensions.member.1.Value", "web"));
        var all = await _cw.CborAsync("ListMetrics", new JsonObject { ["Namespace"] = "App" });

        Assert.Equal(["Latency"], web.Xml!.Descendants(Xmlns + "MetricName").Select(e => e.Value));
        Assert.Equal(["Errors", "Latency"], all.Body!["Metrics"]!.AsArray().Select(m => m!["MetricName"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Prometheus_metrics_are_served_on_get()
    {
        await _cw.CborAsync("ListMetrics", new JsonObject());

        var text = await server.Http.GetStringAsync("/metrics");

        Assert.Contains("berth_api_request_duration_seconds_count{protocol=\"rpc-v2-cbor\",operation=\"GraniteServiceVersion20100801.ListMetrics\",status=\"200\"}", text, StringComparison.Ordinal);

        Assert.Contains("berth_agents_connected", text, StringComparison.Ordinal);
    }

    // Seen by the API fuzzer: a metric whose name holds a NUL (accepted over AWS JSON) made ListMetrics over query
    // answer 500, because XmlWriter refuses the character.
    [Fact]
    public async Task A_name_xml_cannot_carry_is_listed_over_query_with_a_replacement_character()
    {
        var datum = new JsonObject { ["MetricName"] = "a\u0000b", ["Value"] = 1 };
        await _cw.JsonAsync("PutMetricData", new JsonObject { ["Namespace"] = "Nul", ["MetricData"] = new JsonArray(datum) });

        var listed = await _cw.QueryAsync("ListMetrics", ("Namespace", "Nul"));

        Assert.Equal(HttpStatusCode.OK, listed.Status);
        Assert.Equal("a\uFFFDb", listed.Xml!.Descendants(Xmlns + "MetricName").Single().Value);
    }

    // Found while fuzzing content encodings: botocore gzips PutMetricData bodies of 10 kB and more (the model's
    // requestcompression trait), and Berth read the compressed bytes as CBOR, so boto3 and the aws CLI could not put
    // a large batch.
    [Fact]
    public async Task A_gzip_compressed_put_metric_data_is_read()
    {
        var data = new JsonArray(Enumerable.Range(0, 100).Select(i => (JsonNode)new JsonObject
        {
            ["MetricName"] = "Big",
            ["Dimensions"] = new JsonArray(new JsonObject { ["Name"] = "Padding", ["Value"] = new string('x', 200) }),
            ["Value"] = i,
        }).ToArray());

        var put = await _cw.CborAsync("PutMetricData", new JsonObject { ["Namespace"] = "Gzip", ["MetricData"] = data }, gzip: true);
        var listed = await _cw.JsonAsync("ListMetrics", new JsonObject { ["Namespace"] = "Gzip" });

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("Big", listed.Body!["Metrics"]![0]!["MetricName"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_gzip_body_that_inflates_past_the_limit_is_refused_as_too_large()
    {
        using var response = await SendEncodedAsync(CloudWatchClient.Gzip(new byte[64 * 1024 * 1024]), "gzip");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    // "br" seen by the API fuzzer: Brotli's decoder throws InvalidOperationException on a body that is not Brotli (500).
    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task A_body_that_is_not_in_the_encoding_it_claims_is_a_serialization_exception(string encoding)
    {
        using var response = await SendEncodedAsync("not compressed"u8.ToArray(), encoding);

        Assert.Equal((HttpStatusCode.BadRequest, "SerializationException"), (response.StatusCode, response.Headers.GetValues("x-amzn-ErrorType").Single()));
    }

    private async Task<HttpResponseMessage> SendEncodedAsync(byte[] body, string encoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/service/GraniteServiceVersion20100801/operation/PutMetricData")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new("application/cbor");
        request.Content.Headers.ContentEncoding.Add(encoding);
        return await server.Http.SendAsync(request);
    }
}

