using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Berth.Control.Alarms;
using Berth.Core.Alarms;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Tests.CloudWatch;

public class AlarmApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private static int _regions;
    private static readonly XNamespace Xmlns = "http://monitoring.amazonaws.com/doc/2010-08-01/";

    private readonly CloudWatchClient _cw = new(server.Http, $"alarm-{Interlocked.Increment(ref _regions).ToString(CultureInfo.InvariantCulture)}");

    private static JsonObject Alarm(string name, double threshold = 50) => new()
    {
        ["AlarmName"] = name,
        ["Namespace"] = "App",
        ["MetricName"] = "Load",
        ["Dimensions"] = new JsonArray(new JsonObject { ["Name"] = "Service", ["Value"] = "web" }),
        ["Statistic"] = "Average",
        ["Period"] = 60,
        ["EvaluationPeriods"] = 3,
        ["Threshold"] = threshold,
        ["ComparisonOperator"] = "GreaterThanThreshold",
    };

    /// <summary>Puts one datum into each of the three periods an evaluation at <paramref name="now"/> reads.</summary>
    private async Task PutEvaluatedMinutesAsync(DateTimeOffset now, params double[] values)
    {
        var (start, _) = AlarmPeriods.Range(now, 60, values.Length);
        var data = new JsonArray([.. values.Select((v, i) => (JsonNode)new JsonObject
        {
            ["MetricName"] = "Load",
            ["Dimensions"] = new JsonArray(new JsonObject { ["Name"] = "Service", ["Value"] = "web" }),
            ["Timestamp"] = start.AddMinutes(i).AddSeconds(5).ToUnixTimeSeconds(),
            ["Value"] = v,
        })]);
        Assert.Equal(HttpStatusCode.OK, (await _cw.JsonAsync("PutMetricData", new JsonObject { ["Namespace"] = "App", ["MetricData"] = data })).Status);
    }

    private Task EvaluateAsync(DateTimeOffset now) => server.Services.GetRequiredService<MetricAlarms>().EvaluateAllAsync(now, CancellationToken.None);

    private async Task<JsonObject> DescribeOneAsync(string name) =>
        (JsonObject)(await _cw.JsonAsync("DescribeAlarms", new JsonObject { ["AlarmNames"] = new JsonArray(name) })).Body!["MetricAlarms"]![0]!;

    [Fact]
    public async Task An_alarm_crosses_its_threshold_on_evaluation_and_records_its_history()
    {
        Assert.Equal(HttpStatusCode.OK, (await _cw.JsonAsync("PutMetricAlarm", Alarm("load-high"))).Status);
        var created = await DescribeOneAsync("load-high");
        var now = DateTimeOffset.UtcNow;
        await PutEvaluatedMinutesAsync(now, 60, 70, 80);

        await EvaluateAsync(now);

        Assert.Equal(("INSUFFICIENT_DATA", "Unchecked: Initial alarm creation"), (created["StateValue"]!.GetValue<string>(), created["StateReason"]!.GetValue<string>()));
        var alarm = await DescribeOneAsync("load-high");
        Assert.Equal("ALARM", alarm["StateValue"]!.GetValue<string>());
        Assert.StartsWith("Threshold Crossed: 3 out of the last 3 datapoints [80.0 (", alarm["StateReason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("were greater than the threshold (50.0) (minimum 3 datapoints for INSUFFICIENT_DATA -> ALARM transition).", alarm["StateReason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal([60.0, 70.0, 80.0], JsonNode.Parse(alarm["StateReasonData"]!.GetValue<string>())!["recentDatapoints"]!.AsArray().Select(v => v!.GetValue<double>()));
        var history = (await _cw.JsonAsync("DescribeAlarmHistory", new JsonObject { ["AlarmName"] = "load-high" })).Body!["AlarmHistoryItems"]!.AsArray();
        Assert.Equal(["Alarm updated from INSUFFICIENT_DATA to ALARM", "Alarm \"load-high\" created"], history.Select(h => h!["HistorySummary"]!.GetValue<string>()));
        Assert.Equal("ALARM", JsonNode.Parse(history[0]!["HistoryData"]!.GetValue<string>())!["newState"]!["stateValue"]!.GetValue<string>());
    }

    [Fact]
    public async Task Describe_alarms_filters_and_pages_in_every_protocol()
    {
        foreach (var name in new[] { "web-1", "web-2", "web-3", "db-1" })
        {
            await _cw.CborAsync("PutMetricAlarm", Alarm(name));
        }
        await _cw.JsonAsync("SetAlarmState", new JsonObject { ["AlarmName"] = "web-2", ["StateValue"] = "ALARM", ["StateReason"] = "testing" });

        var first = await _cw.JsonAsync("DescribeAlarms", new JsonObject { ["AlarmNamePrefix"] = "web-", ["MaxRecords"] = 2 });
        var second = await _cw.JsonAsync("DescribeAlarms", new JsonObject { ["AlarmNamePrefix"] = "web-", ["MaxRecords"] = 2, ["NextToken"] = first.Body!["NextToken"]!.DeepClone() });
        var inAlarm = await _cw.QueryAsync("DescribeAlarms", ("StateValue", "ALARM"));
        var forMetric = await _cw.CborAsync("DescribeAlarmsForMetric", new JsonObject
        {
            ["Namespace"] = "App",
            ["MetricName"] = "Load",
            ["Dimensions"] = new JsonArray(new JsonObject { ["Name"] = "Service", ["Value"] = "web" }),
        });

        Assert.Equal(["web-1", "web-2"], first.Body["MetricAlarms"]!.AsArray().Select(a => a!["AlarmName"]!.GetValue<string>()));
        Assert.Equal(["web-3"], second.Body!["MetricAlarms"]!.AsArray().Select(a => a!["AlarmName"]!.GetValue<string>()));
        Assert.Null(second.Body["NextToken"]);
        Assert.Equal(["web-2"], inAlarm.Xml!.Descendants(Xmlns + "MetricAlarms").Single().Elements(Xmlns + "member").Select(m => m.Element(Xmlns + "AlarmName")!.Value));
        Assert.Equal(4, forMetric.Body!["MetricAlarms"]!.AsArray().Count);
    }

    [Fact]
    public async Task Deleting_an_alarm_that_does_not_exist_fails_and_deletes_nothing()
    {
        await _cw.JsonAsync("PutMetricAlarm", Alarm("kept"));

        var missing = await _cw.JsonAsync("DeleteAlarms", new JsonObject { ["AlarmNames"] = new JsonArray("kept", "never") });
        var setMissing = await _cw.QueryAsync("SetAlarmState", ("AlarmName", "never"), ("StateValue", "OK"), ("StateReason", "x"));
        var badData = await _cw.JsonAsync("SetAlarmState", new JsonObject { ["AlarmName"] = "kept", ["StateValue"] = "OK", ["StateReason"] = "x", ["StateReasonData"] = "{" });
        var deleted = await _cw.JsonAsync("DeleteAlarms", new JsonObject { ["AlarmNames"] = new JsonArray("kept") });

        Assert.Equal((HttpStatusCode.NotFound, "ResourceNotFound"), (missing.Status, missing.Body!["__type"]!.GetValue<string>()));
        Assert.Equal("ResourceNotFound", setMissing.Xml!.Descendants(Xmlns + "Code").Single().Value);
        Assert.Equal(("InvalidFormatFault", "InvalidFormat;Sender"), (badData.Body!["__type"]!.GetValue<string>(), badData.Headers.GetValues("x-amzn-query-error").Single()));
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Empty((await _cw.JsonAsync("DescribeAlarms", new JsonObject())).Body!["MetricAlarms"]!.AsArray());
    }

    [Fact]
    public async Task Invalid_alarms_and_foreign_actions_are_refused()
    {
        var tooMany = Alarm("bad");
        tooMany["DatapointsToAlarm"] = 4;
        var sns = Alarm("notify");
        sns["AlarmActions"] = new JsonArray("arn:aws:sns:us-east-1:000000000000:ops");

        var refused = await _cw.JsonAsync("PutMetricAlarm", tooMany);
        var snsRefused = await _cw.QueryAsync("PutMetricAlarm", ("AlarmName", "notify"), ("Namespace", "App"), ("MetricName", "Load"), ("Statistic", "Average"),
            ("Period", "60"), ("EvaluationPeriods", "1"), ("Threshold", "1"), ("ComparisonOperator", "GreaterThanThreshold"),
            ("AlarmActions.member.1", "arn:aws:sns:us-east-1:000000000000:ops"));

        Assert.Equal((HttpStatusCode.BadRequest, "InvalidParameterValueException"), (refused.Status, refused.Body!["__type"]!.GetValue<string>()));
        Assert.Equal("InvalidParameterValue", snsRefused.Xml!.Descendants(Xmlns + "Code").Single().Value);
        Assert.Contains("Application Auto Scaling", snsRefused.Xml.Descendants(Xmlns + "Message").Single().Value, StringComparison.Ordinal);
        Assert.Empty((await _cw.JsonAsync("DescribeAlarms", new JsonObject())).Body!["MetricAlarms"]!.AsArray());
    }

    [Fact]
    public async Task Alarms_are_tagged_and_their_actions_disabled()
    {
        var tagged = Alarm("tagged");
        tagged["Tags"] = new JsonArray(new JsonObject { ["Key"] = "team", ["Value"] = "web" });
        await _cw.JsonAsync("PutMetricAlarm", tagged);
        var arn = (await DescribeOneAsync("tagged"))["AlarmArn"]!.GetValue<string>();

        await _cw.JsonAsync("TagResource", new JsonObject { ["ResourceARN"] = arn, ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "env", ["Value"] = "prod" }) });
        await _cw.JsonAsync("UntagResource", new JsonObject { ["ResourceARN"] = arn, ["TagKeys"] = new JsonArray("team") });
        await _cw.JsonAsync("DisableAlarmActions", new JsonObject { ["AlarmNames"] = new JsonArray("tagged", "absent") });
        var tags = await _cw.JsonAsync("ListTagsForResource", new JsonObject { ["ResourceARN"] = arn });
        var missing = await _cw.JsonAsync("ListTagsForResource", new JsonObject { ["ResourceARN"] = arn + "-gone" });

        JsonAssert.Equal("""{"Tags":[{"Key":"env","Value":"prod"}]}""", tags.Body!);
        Assert.Equal((HttpStatusCode.NotFound, "ResourceNotFoundException"), (missing.Status, missing.Body!["__type"]!.GetValue<string>()));
        Assert.False((await DescribeOneAsync("tagged"))["ActionsEnabled"]!.GetValue<bool>());
    }
}
