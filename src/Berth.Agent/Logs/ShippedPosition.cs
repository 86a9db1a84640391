using System.Globalization;

namespace Berth.Agent.Logs;

/// <summary>The last shipped line of one output stream: its Docker timestamp and how many of the stream's lines with exactly that timestamp were shipped.</summary>
internal readonly record struct StreamMark(long TimestampNanos, int LinesAtTimestamp);

/// <summary>
/// How far a container's output has been acknowledged by the server, per output stream. Docker stamps stdout and
/// stderr each as its own copier reads them: within a stream the timestamps only grow, but in Docker's log the two
/// interleave slightly out of time order, so one mark for both would skip or repeat lines where they meet. Docker's
/// own log is the spool; this small file beside the agent's state is the bookmark a read resumes from with
/// <c>since</c>.
/// </summary>
internal sealed record ShippedPosition(StreamMark? Stdout, StreamMark? Stderr)
{
    /// <summary>
    /// How much earlier than the other stream's mark a line may be stamped and still come after it in Docker's log:
    /// the time between a copier stamping a line and writing it (microseconds; milliseconds on a busy machine). A read
    /// resumes at most this far before the newest mark, so a stream with an old mark, or none, does not make it
    /// reread the whole log, and the read after a container stops rereads at most this much of its output.
    /// </summary>
    private static readonly long SeamNanos = (long)TimeSpan.FromSeconds(2).TotalNanoseconds;

    /// <summary>Nothing shipped yet: the output is read from its start.</summary>
    public static readonly ShippedPosition None = new(null, null);

    /// <summary>Where a read of Docker's log resumes (inclusive); null from the start.</summary>
    public long? SinceNanos
    {
        get
        {
            if (Stdout is null && Stderr is null)
            {
                return null;
            }
            var newest = Math.Max(Stdout?.TimestampNanos ?? long.MinValue, Stderr?.TimestampNanos ?? long.MinValue);
            var oldest = Stdout is { } stdout && Stderr is { } stderr ? Math.Min(stdout.TimestampNanos, stderr.TimestampNanos) : long.MinValue;
            return Math.Max(oldest, newest - SeamNanos);
        }
    }

    /// <summary>The position after <paramref name="line"/>, which follows this position in its stream.</summary>
    public ShippedPosition After(DockerLogLine line)
    {
        var next = MarkOf(line.Source) is { } mark && mark.TimestampNanos == line.TimestampNanos
            ? mark with { LinesAtTimestamp = mark.LinesAtTimestamp + 1 }
            : new StreamMark(line.TimestampNanos, 1);
        return line.Source == LogSource.Stderr ? this with { Stderr = next } : this with { Stdout = next };
    }

    /// <summary>
    /// For one read from <see cref="SinceNanos"/>, in the log's order: whether each line is already shipped. Docker's
    /// <c>since</c> keeps lines at exactly that time, and a stream's lines before its own mark.
    /// </summary>
    public Func<DockerLogLine, bool> ShippedFilter()
    {
        var toSkipAtMark = new[] { 0, Stdout?.LinesAtTimestamp ?? 0, Stderr?.LinesAtTimestamp ?? 0 };
        return line => MarkOf(line.Source) is { } mark
            && (line.TimestampNanos < mark.TimestampNanos || (line.TimestampNanos == mark.TimestampNanos && toSkipAtMark[(int)line.Source]-- > 0));
    }

    private StreamMark? MarkOf(LogSource source) => source == LogSource.Stderr ? Stderr : Stdout;

    /// <summary>
    /// <see cref="None"/> when the file is missing or not in this format (one from an older agent): the output is
    /// then shipped from its start again, duplicates rather than loss.
    /// </summary>
    public static ShippedPosition Load(string path)
    {
        string[] parts;
        try
        {
            parts = File.ReadAllText(path).Split(' ');
        }
        catch (IOException)
        {
            return None;
        }
        return parts.Length == 4 && MarkOf(parts[0], parts[1]) is { } stdout && MarkOf(parts[2], parts[3]) is { } stderr
            ? new ShippedPosition(stdout.LinesAtTimestamp > 0 ? stdout : null, stderr.LinesAtTimestamp > 0 ? stderr : null)
            : None;
    }

    private static StreamMark? MarkOf(string timestamp, string count) =>
        long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var nanos)
        && int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var lines)
            ? new StreamMark(nanos, lines)
            : null;

    /// <summary>
    /// "stdout-time stdout-lines stderr-time stderr-lines" (0 0 for a stream without a shipped line), written to a
    /// temporary file and renamed over the old one, so a crash leaves one or the other whole.
    /// </summary>
    public void Save(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, string.Create(CultureInfo.InvariantCulture,
            $"{Stdout?.TimestampNanos ?? 0} {Stdout?.LinesAtTimestamp ?? 0} {Stderr?.TimestampNanos ?? 0} {Stderr?.LinesAtTimestamp ?? 0}"));
        File.Move(temporary, path, overwrite: true);
    }
}
