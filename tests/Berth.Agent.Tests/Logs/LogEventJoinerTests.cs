using System.Text.RegularExpressions;
using Berth.Agent.Logs;

namespace Berth.Agent.Tests.Logs;

public class LogEventJoinerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch.AddDays(20_000);

    private static DockerLogLine Line(int millis, string message, LogSource source = LogSource.Stdout) => new(millis * 1_000_000L, message, source);

    [Fact]
    public void Without_a_pattern_every_line_is_an_event()
    {
        var joiner = new LogEventJoiner(null);
        var events = new List<OutputEvent>();

        joiner.Add(Line(1, "one"), Now, events);
        joiner.Add(Line(2, "  two"), Now, events);

        Assert.Equal([(1L, "one"), (2L, "  two")], events.Select(e => (e.TimestampMillis, e.Message)));
        Assert.Null(joiner.PendingSince);
    }

    [Fact]
    public void A_line_the_pattern_matches_starts_an_event_and_the_others_join_the_one_before_with_their_newlines()
    {
        var joiner = new LogEventJoiner(new Regex(@"^\d{4}-"));
        var events = new List<OutputEvent>();
        var lines = new[]
        {
            Line(1, "  orphan before any start"), Line(2, "2024-05-01 ERROR boom"), Line(3, "    at A.run()", LogSource.Stderr),
            Line(4, "    at B.main()", LogSource.Stderr), Line(5, "2024-05-01 INFO ok"),
        };

        foreach (var line in lines)
        {
            joiner.Add(line, Now, events);
        }

        Assert.Equal([(1L, "  orphan before any start\n"), (2L, "2024-05-01 ERROR boom\n    at A.run()\n    at B.main()\n")],
            events.Select(e => (e.TimestampMillis, e.Message)));
        Assert.Equal([1, 3], events.Select(e => e.Lines));
        Assert.Equal(Now, joiner.PendingSince);
        joiner.Flush(events);
        Assert.Equal("2024-05-01 INFO ok\n", events[^1].Message);
        Assert.Null(joiner.PendingSince);
    }

    [Fact]
    public void An_event_stops_growing_at_CloudWatchs_limit_and_a_longer_line_is_split_at_a_character_boundary()
    {
        var joiner = new LogEventJoiner(new Regex("^START"));
        var events = new List<OutputEvent>();
        var half = new string('x', LogEventJoiner.MaxEventBytes / 2);
        var huge = string.Concat(Enumerable.Repeat("é", LogEventJoiner.MaxEventBytes)); // two bytes each

        joiner.Add(Line(1, "START"), Now, events);
        joiner.Add(Line(2, half), Now, events);
        joiner.Add(Line(3, half), Now, events); // would pass the limit: a new event
        joiner.Add(Line(4, huge), Now, events);
        joiner.Flush(events);

        Assert.All(events, e => Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(e.Message), 1, LogEventJoiner.MaxEventBytes));
        Assert.Equal(["START\n" + half + "\n", half + "\n"], events.Take(2).Select(e => e.Message));
        Assert.Equal(4, events.Count);
        Assert.Equal(huge, events[2].Message + events[3].Message); // a line at the limit gets no newline, as in Docker
        Assert.Equal([2, 1, 0, 1], events.Select(e => e.Lines)); // the position moves past a split line with its last part
    }
}
