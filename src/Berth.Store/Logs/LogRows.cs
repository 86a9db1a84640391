using Berth.Core.Logs;

namespace Berth.Store.Logs;

/// <summary>A log group as stored; <see cref="StoredBytes"/> is the sum over its streams. Times are epoch milliseconds.</summary>
public sealed record LogGroupRow(long Id, string Name, long CreationTime, int? RetentionInDays, long StoredBytes);

public sealed record LogStreamRow(
    long Id, long GroupId, string Name, long CreationTime, long? FirstEventTimestamp, long? LastEventTimestamp, long? LastIngestionTime, long StoredBytes);

/// <summary>One event; <see cref="Sequence"/> is unique per store and orders events ingested within one millisecond.</summary>
public sealed record StoredLogEvent(long Sequence, long StreamId, long Timestamp, long IngestionTime, string Message)
{
    public LogPosition Position => new(Timestamp, Sequence);
}

/// <summary>An event to append: CloudWatch's (timestamp, message) pair.</summary>
public readonly record struct NewLogEvent(long Timestamp, string Message);

/// <summary>
/// A range of events in (timestamp, sequence) order: [StartTime, EndTime) in time, strictly after
/// <see cref="After"/> and strictly before <see cref="Before"/>; newest first when <see cref="Descending"/>.
/// </summary>
public sealed record LogEventQuery
{
    public long? StartTime { get; init; }
    public long? EndTime { get; init; }
    public LogPosition? After { get; init; }
    public LogPosition? Before { get; init; }
    public bool Descending { get; init; }
    public required int Limit { get; init; }
}

/// <summary>DescribeLogStreams' listing: by name (keyset on the name) or by last event time (keyset on time, then id).</summary>
public sealed record LogStreamQuery
{
    public string? Prefix { get; init; }
    public bool ByLastEventTime { get; init; }
    public bool Descending { get; init; }

    /// <summary>The name, or for <see cref="ByLastEventTime"/> the position, of the last stream of the previous page.</summary>
    public string? AfterName { get; init; }
    public LogPosition? AfterPosition { get; init; }
    public required int Limit { get; init; }
}
