using Berth.Agent.Logs;

namespace Berth.Agent.Tests.Logs;

public class ShippedPositionTests
{
    private const long Second = 1_000_000_000;

    private static DockerLogLine Out(long nanos, string message = "out") => new(nanos, message, LogSource.Stdout);

    private static DockerLogLine Err(long nanos, string message = "err") => new(nanos, message, LogSource.Stderr);

    [Fact]
    public void Each_stream_counts_its_own_lines_that_share_a_timestamp()
    {
        var position = ShippedPosition.None.After(Out(5)).After(Err(5)).After(Out(5));

        Assert.Equal(new ShippedPosition(new StreamMark(5, 2), new StreamMark(5, 1)), position);
        Assert.Equal(new ShippedPosition(new StreamMark(6, 1), new StreamMark(5, 1)), position.After(Out(6)));
    }

    [Fact]
    public void A_read_resumes_at_the_older_mark_but_never_more_than_the_seam_before_the_newer()
    {
        Assert.Null(ShippedPosition.None.SinceNanos);
        Assert.Equal(100 * Second, new ShippedPosition(new StreamMark(100 * Second, 1), new StreamMark(101 * Second, 1)).SinceNanos);
        // stderr last spoke an hour ago, or never: its unshipped lines still come after stdout's in Docker's log.
        Assert.Equal(3_598 * Second, new ShippedPosition(new StreamMark(3_600 * Second, 1), new StreamMark(0, 1)).SinceNanos);
        Assert.Equal(3_598 * Second, new ShippedPosition(null, new StreamMark(3_600 * Second, 1)).SinceNanos);
    }

    [Fact]
    public void The_filter_skips_what_each_stream_shipped_where_the_streams_interleave_out_of_time_order()
    {
        // Docker's log: out@10 err@12 out@11 | out@11 err@12 out@13 (the first three shipped).
        var position = ShippedPosition.None.After(Out(10)).After(Err(12)).After(Out(11));
        var shipped = position.ShippedFilter();

        Assert.Equal(11, position.SinceNanos); // Docker's answer from there starts at err@12
        Assert.Equal([true, true, false, false, false],
            new[] { Err(12), Out(11), Out(11, "same time, not shipped"), Err(12, "same time, not shipped"), Out(13) }.Select(shipped));
    }

    [Fact]
    public void A_position_survives_a_restart_and_an_unreadable_one_ships_everything_again()
    {
        var path = Path.Combine(Path.GetTempPath(), $"position-{Guid.NewGuid():N}");
        try
        {
            var position = ShippedPosition.None.After(Out(7)).After(Out(7));
            position.Save(path);
            Assert.Equal(position, ShippedPosition.Load(path));

            File.WriteAllText(path, "7 2"); // an older agent's single mark
            Assert.Equal(ShippedPosition.None, ShippedPosition.Load(path));
            File.Delete(path);
            Assert.Equal(ShippedPosition.None, ShippedPosition.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
