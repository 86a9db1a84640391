using System.Globalization;

namespace Berth.Agent.Logs;

/// <summary>
/// How far a container's output has been acknowledged by the server: the Docker timestamp of the last shipped
/// line and how many lines with exactly that timestamp were shipped. Docker's own log file is the spool; this
/// small file beside the agent's state is the bookmark that lets a restarted agent resume with <c>since</c>.
/// </summary>
internal sealed record ShippedPosition(long TimestampNanos, int LinesAtTimestamp)
{
    /// <summary>The position after <paramref name="line"/>, which follows this position in the output.</summary>
    public ShippedPosition After(DockerLogLine line) =>
        line.TimestampNanos == TimestampNanos ? this with { LinesAtTimestamp = LinesAtTimestamp + 1 } : new ShippedPosition(line.TimestampNanos, 1);

    /// <summary>Null when the file is missing or unreadable: the output is then shipped from its start.</summary>
    public static ShippedPosition? Load(string path)
    {
        try
        {
            var parts = File.ReadAllText(path).Split(' ');
            return parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                ? new ShippedPosition(timestamp, count)
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Written to a temporary file and renamed over the old one, so a crash leaves one or the other whole.</summary>
    public void Save(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, string.Create(CultureInfo.InvariantCulture, $"{TimestampNanos} {LinesAtTimestamp}"));
        File.Move(temporary, path, overwrite: true);
    }
}
