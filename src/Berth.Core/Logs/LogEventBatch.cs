using System.Text;
using Berth.Core.Errors;

namespace Berth.Core.Logs;

/// <summary>
/// PutLogEvents' rules for one batch: at most 10,000 events and 1,048,576 bytes (each message's UTF-8 length
/// plus 26), in chronological order, spanning at most 24 hours. Events more than 14 days old, older than the
/// group's retention, or more than 2 hours in the future are not stored and are reported in
/// rejectedLogEventsInfo, as CloudWatch Logs does.
/// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
/// </summary>
public static class LogEventBatch
{
    public const int MaxEvents = 10_000;
    public const int MaxBytes = 1_048_576;
    public const int EventOverheadBytes = 26;

    /// <summary>
    /// The largest PutLogEvents body Berth reads. A batch within <see cref="MaxBytes"/> is larger as JSON: every event
    /// adds about 45 bytes of <c>{"timestamp":…,"message":""},</c> (the limit counts 26), and escaping can make a
    /// message up to six times longer (<c>\u0001</c> for one control byte). 8 MiB holds any legal batch.
    /// </summary>
    public const int MaxRequestBodyBytes = 8 * MaxBytes;
    private static readonly TimeSpan MaxAge = TimeSpan.FromDays(14);
    private static readonly TimeSpan MaxAhead = TimeSpan.FromHours(2);
    private static readonly TimeSpan MaxSpan = TimeSpan.FromHours(24);

    /// <summary>The events to store: [Start, End) of the batch, and what was rejected (null when nothing was).</summary>
    public sealed record Verdict(int Start, int End, RejectedLogEventsInfo? Rejected);

    public static Verdict Check(IReadOnlyList<InputLogEvent>? events, DateTimeOffset now, int? retentionDays)
    {
        if (events is null || events.Count == 0)
        {
            throw new InvalidParameterException("1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }
        if (events.Count > MaxEvents)
        {
            throw new InvalidParameterException($"1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to {MaxEvents}");
        }
        long bytes = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Timestamp is null || e.Message is null || e.Message.Length == 0)
            {
                throw new InvalidParameterException($"Log event {i} needs a timestamp and a non-empty message.");
            }
            if (i > 0 && e.Timestamp < events[i - 1].Timestamp)
            {
                throw new InvalidParameterException("Log events in a single PutLogEvents request must be in chronological order.");
            }
            bytes += Encoding.UTF8.GetByteCount(e.Message) + EventOverheadBytes;
        }
        if (bytes > MaxBytes)
        {
            throw new InvalidParameterException($"Upload too large: {bytes} bytes exceeds {MaxBytes} bytes");
        }
        if (events[^1].Timestamp!.Value - events[0].Timestamp!.Value > (long)MaxSpan.TotalMilliseconds)
        {
            throw new InvalidParameterException("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        var tooOldBefore = nowMs - (long)MaxAge.TotalMilliseconds;
        var expiredBefore = retentionDays is { } days ? RetentionPeriods.CutoffMs(days, now) : long.MinValue;
        var tooNewAfter = nowMs + (long)MaxAhead.TotalMilliseconds;
        int? tooOldEnd = null, expiredEnd = null, tooNewStart = null;
        for (var i = 0; i < events.Count; i++)
        {
            var ts = events[i].Timestamp!.Value;
            if (ts < tooOldBefore)
            {
                tooOldEnd = i;
            }
            else if (ts < expiredBefore)
            {
                expiredEnd = i;
            }
            else if (ts > tooNewAfter)
            {
                tooNewStart ??= i;
            }
        }
        var start = Math.Max(tooOldEnd ?? -1, expiredEnd ?? -1) + 1;
        var end = tooNewStart ?? events.Count;
        var rejected = tooOldEnd is null && expiredEnd is null && tooNewStart is null
            ? null
            : new RejectedLogEventsInfo { TooOldLogEventEndIndex = tooOldEnd, ExpiredLogEventEndIndex = expiredEnd, TooNewLogEventStartIndex = tooNewStart };
        return new Verdict(start, Math.Max(start, end), rejected);
    }
}
