using System.Text;
using Berth.Agent.Logs;
using static Berth.Agent.Tests.Support.DockerLogFrames;

namespace Berth.Agent.Tests.Logs;

public class DockerLogReaderTests
{
    private static async Task<List<DockerLogLine>> ReadAllAsync(byte[] bytes, bool tty)
    {
        var reader = new DockerLogReader(new MemoryStream(bytes), tty);
        var lines = new List<DockerLogLine>();
        while ((await reader.ReadAsync(CancellationToken.None)) is { Count: > 0 } read)
        {
            lines.AddRange(read);
        }
        return lines;
    }

    [Fact]
    public async Task Frames_of_both_streams_become_timestamped_lines()
    {
        var bytes = Frame(1, "2024-05-01T10:00:00.123456789Z hello\n")
            .Concat(Frame(2, "2024-05-01T10:00:00.5Z oops\r\n"))
            .Concat(Frame(1, "2024-05-01T10:00:01Z \n")).ToArray();

        var lines = await ReadAllAsync(bytes, tty: false);

        var second = new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;
        Assert.Equal([
            new DockerLogLine(second + 123_456_789, "hello", LogSource.Stdout),
            new DockerLogLine(second + 500_000_000, "oops", LogSource.Stderr),
            new DockerLogLine(second + 1_000_000_000, " ", LogSource.Stdout), // an empty line stays a line
        ], lines);
        Assert.Equal(second / 1_000_000 + 123, lines[0].TimestampMillis);
    }

    [Fact]
    public async Task Partial_messages_are_joined_and_keep_the_first_timestamp()
    {
        var bytes = Frame(1, "2024-05-01T10:00:00.1Z part one, ")
            .Concat(Frame(2, "2024-05-01T10:00:00.2Z err\n"))
            .Concat(Frame(1, "2024-05-01T10:00:00.3Z part two\n")).ToArray();

        var lines = await ReadAllAsync(bytes, tty: false);

        Assert.Equal([("err", LogSource.Stderr), ("part one, part two", LogSource.Stdout)], lines.Select(l => (l.Message, l.Source)));
        Assert.Equal(lines[0].TimestampNanos - 100_000_000, lines[1].TimestampNanos);
    }

    [Fact]
    public async Task A_tty_stream_is_split_into_lines_whatever_the_chunks()
    {
        var lines = await ReadAllAsync(Encoding.UTF8.GetBytes("2024-05-01T10:00:00Z a\r\n2024-05-01T10:00:01Z b\r\n"), tty: true);

        Assert.Equal(["a", "b"], lines.Select(l => l.Message));
    }

    [Fact]
    public void Since_is_seconds_and_nanoseconds()
    {
        Assert.Equal("1714557600.000000042", DockerTimestamp.Since(1_714_557_600_000_000_042));
    }

    [Theory]
    [InlineData("2024-05-01T10:00:00")]
    [InlineData("2024-05-01 10:00:00Z")]
    [InlineData("2024-05-01T10:00:00.1234567890Z")]
    public void Other_timestamps_are_not_read(string text)
    {
        Assert.False(DockerTimestamp.TryParse(Encoding.ASCII.GetBytes(text), out _));
    }
}
