using System.Text.Json.Serialization;
using Berth.Core.CloudWatch;

namespace Berth.Core.Alarms;

/// <summary>A stored metric alarm: the alarm as DescribeAlarms answers it, and its tags.</summary>
public sealed record AlarmRecord(MetricAlarm Alarm, IReadOnlyList<Tag> Tags);

/// <summary>JSON contracts of stored alarms and their history (source-generated).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlarmRecord))]
[JsonSerializable(typeof(AlarmHistoryItem))]
public sealed partial class AlarmsJsonContext : JsonSerializerContext;
