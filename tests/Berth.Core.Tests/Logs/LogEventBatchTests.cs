using Berth.Core.Errors;
using Berth.Core.Logs;

namespace Berth.Core.Tests.Logs;

public class LogEventBatchTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
    private static readonly long NowMs = Now.ToUnixTimeMilliseconds();

    private static InputLogEvent E(long timestamp, string message = "m") => new() { Timestamp = timestamp, Message = message };

    [Fact]
    public void A_batch_of_recent_events_is_stored_whole()
    {
        var verdict = LogEventBatch.Check([E(NowMs - 10), E(NowMs)], Now, null);

        Assert.Equal(new LogEventBatch.Verdict(0, 2, null), verdict);
    }

    private static long Minutes(int n) => TimeSpan.FromMinutes(n).Ticks / TimeSpan.TicksPerMillisecond;

    [Fact]
    public void Events_older_than_14_days_or_the_retention_are_rejected_by_index()
    {
        var fourteenDays = Minutes(14 * 24 * 60);
        var verdict = LogEventBatch.Check([E(NowMs - fourteenDays - Minutes(30)), E(NowMs - fourteenDays + Minutes(30))], Now, retentionDays: 7);

        Assert.Equal(new RejectedLogEventsInfo { TooOldLogEventEndIndex = 0, ExpiredLogEventEndIndex = 1 }, verdict.Rejected);
        Assert.Equal((2, 2), (verdict.Start, verdict.End));
    }

    [Fact]
    public void Events_more_than_2_hours_ahead_are_rejected_from_the_first_one()
    {
        var verdict = LogEventBatch.Check([E(NowMs), E(NowMs + Minutes(119)), E(NowMs + Minutes(121)), E(NowMs + Minutes(130))], Now, null);

        Assert.Equal(new RejectedLogEventsInfo { TooNewLogEventStartIndex = 2 }, verdict.Rejected);
        Assert.Equal((0, 2), (verdict.Start, verdict.End));
    }

    [Fact]
    public void Events_out_of_order_are_refused()
    {
        var e = Assert.Throws<InvalidParameterException>(() => LogEventBatch.Check([E(NowMs), E(NowMs - 1)], Now, null));
        Assert.Contains("chronological", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_spanning_more_than_a_day_is_refused()
    {
        var day = TimeSpan.FromDays(1).Ticks / TimeSpan.TicksPerMillisecond;
        Assert.Throws<InvalidParameterException>(() => LogEventBatch.Check([E(NowMs - day - 1), E(NowMs)], Now, null));
    }

    [Fact]
    public void Size_and_count_limits_hold()
    {
        Assert.Throws<InvalidParameterException>(() => LogEventBatch.Check([], Now, null));
        Assert.Throws<InvalidParameterException>(() => LogEventBatch.Check(Enumerable.Repeat(E(NowMs), 10_001).ToList(), Now, null));
        // 1,048,576 bytes with the 26-byte overhead fit; one more byte does not
        var exact = new string('x', LogEventBatch.MaxBytes - 2 * LogEventBatch.EventOverheadBytes - 1);
        LogEventBatch.Check([E(NowMs, exact), E(NowMs, "y")], Now, null);
        Assert.Throws<InvalidParameterException>(() => LogEventBatch.Check([E(NowMs, exact + "z"), E(NowMs, "y")], Now, null));
    }

    [Fact]
    public void Empty_messages_are_refused()
    {
        Assert.Throws<InvalidParameterException>(() => LogEventBatch.Check([E(NowMs, "")], Now, null));
    }
}
