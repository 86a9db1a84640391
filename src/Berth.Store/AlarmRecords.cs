using System.Globalization;
using Berth.Core.Alarms;
using Berth.Core.Arns;
using Berth.Core.CloudWatch;

namespace Berth.Store;

/// <summary>
/// CloudWatch metric alarms and their history, per account and region: one record per alarm (id by name, so a name is
/// unique, listed by name) and one per history item (listed by time, so DescribeAlarmHistory reads newest first).
/// </summary>
public static class AlarmRecords
{
    public static readonly RecordType<AlarmRecord> Alarms = new("cloudwatch-alarm", AlarmsJsonContext.Default);

    public static readonly RecordType<AlarmHistoryItem> History = new("cloudwatch-alarm-history", AlarmsJsonContext.Default);

    public static string Scope(ResourceScope scope) => $"cloudwatch:{scope.AccountId}:{scope.Region}";

    public static string AlarmId(ResourceScope scope, string name) => $"{Scope(scope)}:{name}";

    public static PutRecord PutAlarm(ResourceScope scope, AlarmRecord alarm, long expectedVersion) =>
        Alarms.Put(AlarmId(scope, alarm.Alarm.AlarmName!), Scope(scope), alarm.Alarm.AlarmName!, alarm, expectedVersion);

    /// <summary>A new history item; its sort key is its time (to the millisecond, sortable) and a unique suffix.</summary>
    public static PutRecord AddHistory(ResourceScope scope, AlarmHistoryItem item)
    {
        var sortKey = $"{item.Timestamp!.Value.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture)}/{Guid.NewGuid():N}";
        return History.Put($"{Scope(scope)}:{sortKey}", Scope(scope), sortKey, item, 0);
    }
}
