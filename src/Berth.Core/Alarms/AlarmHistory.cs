using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Core.CloudWatch;

namespace Berth.Core.Alarms;

/// <summary>
/// Alarm history items as CloudWatch writes them: a summary and a JSON HistoryData per configuration change, state
/// change and action. CloudWatch keeps them for <see cref="Retention"/>, also after the alarm is deleted.
/// </summary>
public static class AlarmHistory
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    public const string ConfigurationUpdate = "ConfigurationUpdate";
    public const string StateUpdate = "StateUpdate";
    public const string Action = "Action";

    /// <param name="change">Create, Update or Delete.</param>
    public static AlarmHistoryItem Configuration(MetricAlarm alarm, string change, DateTimeOffset now)
    {
        var member = change switch { "Create" => "createdAlarm", "Update" => "updatedAlarm", _ => "deletedAlarm" };
        var data = new JsonObject { ["version"] = "1.0", ["type"] = change, [member] = Configuration(alarm) };
        return Item(alarm.AlarmName!, ConfigurationUpdate, $"Alarm \"{alarm.AlarmName}\" {change.ToLowerInvariant()}d", data, now);
    }

    public static AlarmHistoryItem State(MetricAlarm before, MetricAlarm after, DateTimeOffset now)
    {
        var newState = new JsonObject { ["stateValue"] = after.StateValue, ["stateReason"] = after.StateReason };
        if (after.StateReasonData is { } reasonData)
        {
            newState["stateReasonData"] = JsonNode.Parse(reasonData);
        }
        var data = new JsonObject
        {
            ["version"] = "1.0",
            ["oldState"] = new JsonObject { ["stateValue"] = before.StateValue, ["stateReason"] = before.StateReason },
            ["newState"] = newState,
        };
        return Item(after.AlarmName!, StateUpdate, $"Alarm updated from {before.StateValue} to {after.StateValue}", data, now);
    }

    public static AlarmHistoryItem ActionResult(MetricAlarm alarm, string action, string? error, DateTimeOffset now)
    {
        var data = new JsonObject
        {
            ["actionState"] = error is null ? "Succeeded" : "Failed",
            ["stateUpdateTimestamp"] = alarm.StateUpdatedTimestamp?.ToUnixTimeMilliseconds(),
            ["notificationResource"] = action,
        };
        if (error is not null)
        {
            data["error"] = error;
        }
        var summary = error is null ? $"Successfully executed action {action}" : $"Failed to execute action {action}. Received error: \"{error}\"";
        return Item(alarm.AlarmName!, Action, summary, data, now);
    }

    /// <summary>The StateReasonData of an evaluation: the query and the datapoints it evaluated.</summary>
    public static string ReasonData(MetricAlarm alarm, IReadOnlyList<AlarmDatapoint> periods, DateTimeOffset now)
    {
        var present = periods.Where(p => p.Value is not null).ToList();
        return new JsonObject
        {
            ["version"] = "1.0",
            ["queryDate"] = Timestamp(now),
            ["startDate"] = periods.Count > 0 ? Timestamp(periods[0].Timestamp) : null,
            ["statistic"] = alarm.Statistic,
            ["period"] = alarm.Period,
            ["recentDatapoints"] = new JsonArray([.. present.Select(p => (JsonNode?)JsonValue.Create(p.Value!.Value))]),
            ["threshold"] = alarm.Threshold,
            ["evaluatedDatapoints"] = new JsonArray([.. present.AsEnumerable().Reverse()
                .Select(p => (JsonNode?)new JsonObject { ["timestamp"] = Timestamp(p.Timestamp), ["value"] = p.Value })]),
        }.ToJsonString();
    }

    private static JsonObject Configuration(MetricAlarm alarm) => new()
    {
        ["alarmName"] = alarm.AlarmName,
        ["alarmArn"] = alarm.AlarmArn,
        ["alarmDescription"] = alarm.AlarmDescription,
        ["actionsEnabled"] = alarm.ActionsEnabled,
        ["okactions"] = Strings(alarm.OKActions),
        ["alarmActions"] = Strings(alarm.AlarmActions),
        ["insufficientDataActions"] = Strings(alarm.InsufficientDataActions),
        ["metricName"] = alarm.MetricName,
        ["namespace"] = alarm.Namespace,
        ["statistic"] = alarm.Statistic?.ToUpperInvariant(),
        ["dimensions"] = new JsonArray([.. (alarm.Dimensions ?? []).Select(d => (JsonNode?)new JsonObject { ["name"] = d.Name, ["value"] = d.Value })]),
        ["period"] = alarm.Period,
        ["unit"] = alarm.Unit,
        ["evaluationPeriods"] = alarm.EvaluationPeriods,
        ["datapointsToAlarm"] = alarm.DatapointsToAlarm,
        ["threshold"] = alarm.Threshold,
        ["comparisonOperator"] = alarm.ComparisonOperator,
        ["treatMissingData"] = alarm.TreatMissingData,
    };

    private static JsonArray Strings(IReadOnlyList<string>? values) => new([.. (values ?? []).Select(v => (JsonNode?)v)]);

    private static AlarmHistoryItem Item(string alarmName, string type, string summary, JsonObject data, DateTimeOffset now) => new()
    {
        AlarmName = alarmName,
        AlarmType = "MetricAlarm",
        Timestamp = now,
        HistoryItemType = type,
        HistorySummary = summary,
        HistoryData = data.ToJsonString(),
    };

    /// <summary>CloudWatch's timestamps in history and reason data: 2026-12-05T07:21:00.000+0000.</summary>
    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);
}
