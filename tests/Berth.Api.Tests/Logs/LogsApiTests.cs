using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Logs;

public class LogsApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _logs = server.NewLogsClient();
    private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private async Task StreamAsync(string group, params string[] streams)
    {
        await _logs.OkAsync("CreateLogGroup", new { logGroupName = group });
        foreach (var stream in streams)
        {
            await _logs.OkAsync("CreateLogStream", new { logGroupName = group, logStreamName = stream });
        }
    }

    private Task<JsonNode> PutAsync(string group, string stream, params (long Timestamp, string Message)[] events) =>
        _logs.OkAsync("PutLogEvents", new
        {
            logGroupName = group,
            logStreamName = stream,
            logEvents = events.Select(e => new { timestamp = e.Timestamp, message = e.Message }).ToArray(),
        });

    private static (long, string)[] Lines(int count, long start, string prefix = "line") =>
        Enumerable.Range(0, count).Select(i => (start + i, $"{prefix} {i}")).ToArray();

    private static List<string> Messages(JsonNode response) =>
        response["events"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task Groups_are_created_described_with_retention_and_deleted()
    {
        await _logs.OkAsync("CreateLogGroup", new { logGroupName = "/ecs/web" });
        await _logs.OkAsync("CreateLogGroup", new { logGroupName = "/ecs/api" });
        await _logs.OkAsync("CreateLogGroup", new { logGroupName = "other" });
        await _logs.OkAsync("PutRetentionPolicy", new { logGroupName = "/ecs/web", retentionInDays = 7 });

        var page = await _logs.OkAsync("DescribeLogGroups", new { logGroupNamePrefix = "/ecs/", limit = 1 });
        var first = page["logGroups"]![0]!.AsObject();
        Assert.InRange(first["creationTime"]!.GetValue<long>(), Now - 60_000, Now + 60_000);
        first.Remove("creationTime");
        JsonAssert.Equal($$"""
            {"logGroupName": "/ecs/api", "metricFilterCount": 0, "storedBytes": 0, "logGroupClass": "STANDARD", "deletionProtectionEnabled": false,
             "arn": "arn:aws:logs:{{_logs.Region}}:000000000000:log-group:/ecs/api:*", "logGroupArn": "arn:aws:logs:{{_logs.Region}}:000000000000:log-group:/ecs/api"}
            """, first);
        var second = await _logs.OkAsync("DescribeLogGroups", new { logGroupNamePrefix = "/ecs/", limit = 1, nextToken = page["nextToken"]!.GetValue<string>() });
        Assert.Equal("/ecs/web", second["logGroups"]![0]!["logGroupName"]!.GetValue<string>());
        Assert.Equal(7, second["logGroups"]![0]!["retentionInDays"]!.GetValue<int>());
        Assert.Null(second["nextToken"]);

        Assert.Equal(("ResourceAlreadyExistsException", "The specified log group already exists"), await _logs.ErrorAsync("CreateLogGroup", new { logGroupName = "/ecs/web" }));
        await _logs.OkAsync("DeleteRetentionPolicy", new { logGroupName = "/ecs/web" });
        JsonAssert.Equal("{}", await _logs.OkAsync("DeleteLogGroup", new { logGroupName = "/ecs/web" }));
        Assert.Equal(("ResourceNotFoundException", "The specified log group does not exist."), await _logs.ErrorAsync("DeleteLogGroup", new { logGroupName = "/ecs/web" }));
        Assert.Equal(["/ecs/api", "other"], (await _logs.OkAsync("DescribeLogGroups", new { }))["logGroups"]!.AsArray().Select(g => g!["logGroupName"]!.GetValue<string>()));
        Assert.Empty((await _logs.OkAsync("DescribeLogGroups", new { logGroupClass = "INFREQUENT_ACCESS" }))["logGroups"]!.AsArray());
        Assert.Equal(("InvalidParameterException", "logGroupClass must be one of STANDARD, INFREQUENT_ACCESS, DELIVERY."),
            await _logs.ErrorAsync("DescribeLogGroups", new { logGroupClass = "INFREQUENT_ACCESS " }));
    }

    [Fact]
    public async Task Invalid_names_retention_and_options_are_refused()
    {
        Assert.Equal("InvalidParameterException", (await _logs.ErrorAsync("CreateLogGroup", new { logGroupName = "has space" })).Type);
        Assert.Equal("InvalidParameterException", (await _logs.ErrorAsync("CreateLogGroup", new { logGroupName = "g", kmsKeyId = "k" })).Type);
        await _logs.OkAsync("CreateLogGroup", new { logGroupName = "g" });
        Assert.Equal("InvalidParameterException", (await _logs.ErrorAsync("PutRetentionPolicy", new { logGroupName = "g", retentionInDays = 2 })).Type);
        Assert.Equal("InvalidParameterException", (await _logs.ErrorAsync("CreateLogStream", new { logGroupName = "g", logStreamName = "a:b" })).Type);
        Assert.Equal("ResourceNotFoundException", (await _logs.ErrorAsync("CreateLogStream", new { logGroupName = "absent", logStreamName = "s" })).Type);
        Assert.Equal("UnsupportedFeatureException", (await _logs.ErrorAsync("StartQuery", new { logGroupName = "g", queryString = "fields @message", startTime = 0, endTime = 1 })).Type);
    }

    [Fact]
    public async Task Streams_are_listed_by_name_or_last_event_time()
    {
        await StreamAsync("s", "web/web/b", "web/web/a", "api/api/c");
        await PutAsync("s", "web/web/a", (Now - 10, "old"));
        await PutAsync("s", "web/web/b", (Now, "new"));
        Assert.Equal(("ResourceAlreadyExistsException", "The specified log stream already exists"),
            await _logs.ErrorAsync("CreateLogStream", new { logGroupName = "s", logStreamName = "web/web/a" }));

        var byName = await _logs.OkAsync("DescribeLogStreams", new { logGroupName = "s", logStreamNamePrefix = "web/" });
        var a = byName["logStreams"]![0]!.AsObject();
        Assert.Equal(["web/web/a", "web/web/b"], byName["logStreams"]!.AsArray().Select(s => s!["logStreamName"]!.GetValue<string>()));
        Assert.Equal(Now - 10, a["firstEventTimestamp"]!.GetValue<long>());
        Assert.Equal(Now - 10, a["lastEventTimestamp"]!.GetValue<long>());
        Assert.Equal(3, a["storedBytes"]!.GetValue<long>());
        Assert.Equal($"arn:aws:logs:{_logs.Region}:000000000000:log-group:s:log-stream:web/web/a", a["arn"]!.GetValue<string>());

        var newest = await _logs.OkAsync("DescribeLogStreams", new { logGroupName = "s", orderBy = "LastEventTime", descending = true, limit = 2 });
        Assert.Equal(["web/web/b", "web/web/a"], newest["logStreams"]!.AsArray().Select(s => s!["logStreamName"]!.GetValue<string>()));
        var rest = await _logs.OkAsync("DescribeLogStreams", new { logGroupName = "s", orderBy = "LastEventTime", descending = true, limit = 2, nextToken = newest["nextToken"]!.GetValue<string>() });
        Assert.Equal(["api/api/c"], rest["logStreams"]!.AsArray().Select(s => s!["logStreamName"]!.GetValue<string>()));
        Assert.Equal("InvalidParameterException",
            (await _logs.ErrorAsync("DescribeLogStreams", new { logGroupName = "s", orderBy = "LastEventTime", logStreamNamePrefix = "web" })).Type);
    }

    [Fact]
    public async Task GetLogEvents_pages_forward_from_the_head_and_backward_from_the_tail()
    {
        await StreamAsync("g", "s");
        await PutAsync("g", "s", Lines(25, Now - 1000));

        var head = await _logs.OkAsync("GetLogEvents", new { logGroupName = "g", logStreamName = "s", startFromHead = true, limit = 10 });
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"line {i}"), Messages(head));
        var forward = head["nextForwardToken"]!.GetValue<string>();
        var seen = Messages(head);
        while (true)
        {
            var next = await _logs.OkAsync("GetLogEvents", new { logGroupName = "g", logStreamName = "s", nextToken = forward, limit = 10 });
            seen.AddRange(Messages(next));
            if (next["nextForwardToken"]!.GetValue<string>() == forward)
            {
                Assert.Empty(Messages(next)); // the end: the same token comes back with no events
                break;
            }
            forward = next["nextForwardToken"]!.GetValue<string>();
        }
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"line {i}"), seen);

        var tail = await _logs.OkAsync("GetLogEvents", new { logGroupName = "g", logStreamName = "s", limit = 10 });
        Assert.Equal(Enumerable.Range(15, 10).Select(i => $"line {i}"), Messages(tail));
        var back = await _logs.OkAsync("GetLogEvents", new { logGroupName = "g", logStreamName = "s", limit = 10, nextToken = tail["nextBackwardToken"]!.GetValue<string>() });
        Assert.Equal(Enumerable.Range(5, 10).Select(i => $"line {i}"), Messages(back));

        var window = await _logs.OkAsync("GetLogEvents", new { logGroupName = "g", logStreamName = "s", startFromHead = true, startTime = Now - 1000 + 3, endTime = Now - 1000 + 6 });
        Assert.Equal(["line 3", "line 4", "line 5"], Messages(window)); // endTime is exclusive
        var e = window["events"]![0]!.AsObject();
        Assert.Equal(Now - 1000 + 3, e["timestamp"]!.GetValue<long>());
        Assert.InRange(e["ingestionTime"]!.GetValue<long>(), Now - 60_000, Now + 60_000);
    }

    [Fact]
    public async Task PutLogEvents_rejects_old_and_future_events_and_unordered_batches()
    {
        await StreamAsync("p", "s");
        var day = 86_400_000L;
        var old = await PutAsync("p", "s", (Now - 14 * day - 3_600_000, "too old"), (Now - 14 * day + 3_600_000, "kept"));
        JsonAssert.Equal("""{"tooOldLogEventEndIndex": 0}""", old["rejectedLogEventsInfo"]);
        var future = await PutAsync("p", "s", (Now, "kept too"), (Now + 3 * 3_600_000, "too new"));
        JsonAssert.Equal("""{"tooNewLogEventStartIndex": 1}""", future["rejectedLogEventsInfo"]);
        Assert.NotNull(future["nextSequenceToken"]);

        var unordered = await _logs.ErrorAsync("PutLogEvents", new
        {
            logGroupName = "p",
            logStreamName = "s",
            logEvents = new[] { new { timestamp = Now, message = "b" }, new { timestamp = Now - 1, message = "a" } },
        });
        Assert.Equal("InvalidParameterException", unordered.Type);
        Assert.Equal(("ResourceNotFoundException", "The specified log stream does not exist."),
            await _logs.ErrorAsync("PutLogEvents", new { logGroupName = "p", logStreamName = "absent", logEvents = new[] { new { timestamp = Now, message = "x" } } }));

        var stored = await _logs.OkAsync("GetLogEvents", new { logGroupName = "p", logStreamName = "s", startFromHead = true });
        Assert.Equal(["kept", "kept too"], Messages(stored));
    }

    [Fact]
    public async Task A_full_batch_is_accepted_although_its_json_is_over_the_ecs_body_limit()
    {
        await StreamAsync("full", "s");
        // 8,000 events of 100 bytes: 1,008,000 bytes as PutLogEvents counts them, about 1.2 MB as JSON.
        var message = new string('x', 100);

        await PutAsync("full", "s", Enumerable.Range(0, 8_000).Select(i => (Now + i / 100, message)).ToArray());

        var stream = await _logs.OkAsync("DescribeLogStreams", new { logGroupName = "full" });
        Assert.Equal(800_000, stream["logStreams"]![0]!["storedBytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task FilterLogEvents_interleaves_streams_and_applies_the_pattern_and_time_range()
    {
        await StreamAsync("f", "web/web/1", "web/web/2", "api/api/1");
        await PutAsync("f", "web/web/1", (Now, "ERROR disk full"), (Now + 2, "INFO ok"), (Now + 4, "ERROR healthcheck failed"));
        await PutAsync("f", "web/web/2", (Now + 1, "ERROR timeout"), (Now + 3, "WARN slow"));
        await PutAsync("f", "api/api/1", (Now + 1, "ERROR api"));

        var errors = await _logs.OkAsync("FilterLogEvents", new { logGroupName = "f", filterPattern = "ERROR -healthcheck", logStreamNamePrefix = "web/", interleaved = true });
        Assert.Equal(["ERROR disk full", "ERROR timeout"], Messages(errors));
        Assert.Equal(["web/web/1", "web/web/2"], errors["events"]!.AsArray().Select(e => e!["logStreamName"]!.GetValue<string>()));
        Assert.Null(errors["nextToken"]);
        var ids = errors["events"]!.AsArray().Select(e => e!["eventId"]!.GetValue<string>()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());

        var window = await _logs.OkAsync("FilterLogEvents", new { logGroupName = "f", startTime = Now + 1, endTime = Now + 3 });
        Assert.Equal(["ERROR timeout", "ERROR api", "INFO ok", "WARN slow"], Messages(window)); // endTime is inclusive here

        var named = await _logs.OkAsync("FilterLogEvents", new { logGroupName = "f", logStreamNames = new[] { "api/api/1" }, filterPattern = "?WARN ?api" });
        Assert.Equal(["ERROR api"], Messages(named));

        var paged = await _logs.OkAsync("FilterLogEvents", new { logGroupName = "f", limit = 4 });
        Assert.Equal(4, Messages(paged).Count);
        var rest = await _logs.OkAsync("FilterLogEvents", new { logGroupName = "f", limit = 4, nextToken = paged["nextToken"]!.GetValue<string>() });
        Assert.Equal(["WARN slow", "ERROR healthcheck failed"], Messages(rest));

        var json = await _logs.ErrorAsync("FilterLogEvents", new { logGroupName = "f", filterPattern = "{ $.level = \"ERROR\" }" });
        Assert.Equal("InvalidParameterException", json.Type);
        Assert.Contains("JSON", json.Message, StringComparison.Ordinal);
    }
}
