using System.Text;
using System.Text.RegularExpressions;
using Berth.Core.Logs;

namespace Berth.Agent.Logs;

/// <summary>One CloudWatch event and how many lines of output it completes (the position moves past them once it is stored).</summary>
/// <param name="Lines">0 for all but the last part of an event split to fit <see cref="LogEventJoiner.MaxEventBytes"/>.</param>
internal readonly record struct OutputEvent(long TimestampMillis, string Message, int Lines)
{
    public int Bytes { get; } = Encoding.UTF8.GetByteCount(Message) + LogEventBatch.EventOverheadBytes;
}

/// <summary>
/// Turns lines into events as Docker's awslogs driver does. Without a multiline pattern each line is an event. With
/// one, a line the pattern matches (anywhere in it) starts a new event, and every other line is added to the event
/// before it; each line keeps its newline, and the event the time of its first line. An event grows until it would
/// pass CloudWatch's limit, and one too large for it is split at a character boundary.
/// </summary>
internal sealed class LogEventJoiner(Regex? startOfEvent)
{
    /// <summary>CloudWatch's 256 KiB per event, less the overhead it counts per event (Docker's figure).</summary>
    public const int MaxEventBytes = 262_144 - LogEventBatch.EventOverheadBytes;

    private readonly StringBuilder _message = new();
    private int _lines;
    private long _timestampMillis;
    private int _bytes;

    /// <summary>When the unfinished event got its first line, or null when there is none.</summary>
    public DateTimeOffset? PendingSince { get; private set; }

    /// <summary>Adds one line; the events it completes are appended to <paramref name="events"/>.</summary>
    public void Add(DockerLogLine line, DateTimeOffset now, List<OutputEvent> events)
    {
        if (startOfEvent is null)
        {
            Split(line.TimestampMillis, line.Message, 1, events);
            return;
        }
        var bytes = Encoding.UTF8.GetByteCount(line.Message);
        if (_lines > 0 && (startOfEvent.IsMatch(line.Message) || _bytes + bytes > MaxEventBytes))
        {
            Flush(events);
        }
        if (_lines++ == 0)
        {
            PendingSince = now;
            _timestampMillis = line.TimestampMillis;
        }
        _message.Append(line.Message);
        if (bytes < MaxEventBytes)
        {
            _message.Append('\n');
            bytes++;
        }
        _bytes += bytes;
    }

    /// <summary>Completes the unfinished event, if any: no line came for it in time, or the output ended.</summary>
    public void Flush(List<OutputEvent> events)
    {
        if (_lines == 0)
        {
            return;
        }
        Split(_timestampMillis, _message.ToString(), _lines, events);
        _lines = 0;
        _message.Clear();
        _bytes = 0;
        PendingSince = null;
    }

    private static void Split(long timestampMillis, string message, int lines, List<OutputEvent> events)
    {
        if (message.Length <= MaxEventBytes / 3)
        {
            events.Add(new OutputEvent(timestampMillis, message, lines)); // the common case: no UTF-16 unit takes more than 3 bytes
            return;
        }
        var start = 0;
        while (Encoding.UTF8.GetByteCount(message.AsSpan(start)) > MaxEventBytes)
        {
            var end = start;
            var bytes = 0;
            while (bytes + CharBytes(message, end) <= MaxEventBytes)
            {
                bytes += CharBytes(message, end);
                end += char.IsHighSurrogate(message[end]) && end + 1 < message.Length ? 2 : 1;
            }
            events.Add(new OutputEvent(timestampMillis, message[start..end], 0));
            start = end;
        }
        events.Add(new OutputEvent(timestampMillis, start == 0 ? message : message[start..], lines));
    }

    /// <summary>The UTF-8 length of the character at <paramref name="index"/> (a surrogate pair counts once, as 4).</summary>
    private static int CharBytes(string text, int index) =>
        char.IsHighSurrogate(text[index]) && index + 1 < text.Length ? 4 : Encoding.UTF8.GetByteCount(text.AsSpan(index, 1));
}
