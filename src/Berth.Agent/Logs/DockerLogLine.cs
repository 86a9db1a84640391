using System.Buffers.Binary;
using System.Text;

namespace Berth.Agent.Logs;

/// <summary>Docker's output streams, numbered as its log frames number them (a TTY has one stream, stdout).</summary>
internal enum LogSource
{
    Stdout = 1,
    Stderr = 2,
}

/// <summary>One line of a container's output with Docker's timestamp (Unix nanoseconds, as Docker records it).</summary>
internal readonly record struct DockerLogLine(long TimestampNanos, string Message, LogSource Source)
{
    public long TimestampMillis => TimestampNanos / 1_000_000;
}

/// <summary>
/// Reads <c>GET /containers/{id}/logs?timestamps=1</c>: without a TTY, frames of an 8-byte header (stream type,
/// 3 zero bytes, big-endian length) and a payload; with a TTY, the raw bytes. Each message starts with an
/// RFC 3339 timestamp and a space. Docker splits lines over 16 KiB into partial messages (no trailing newline);
/// they are joined again per stream (stdout/stderr) and keep the first part's timestamp.
/// https://docs.docker.com/reference/api/engine/version/v1.43/#tag/Container/operation/ContainerAttach
/// </summary>
internal sealed class DockerLogReader(Stream stream, bool tty)
{
    private const int HeaderSize = 8;
    private readonly byte[] _header = new byte[HeaderSize];
    private readonly Partial[] _partials = [new(LogSource.Stdout), new(LogSource.Stdout), new(LogSource.Stderr)];
    private byte[] _payload = new byte[64 * 1024];

    /// <summary>The next complete lines (at least one), or an empty list at the end of the stream.</summary>
    public async Task<IReadOnlyList<DockerLogLine>> ReadAsync(CancellationToken cancellationToken)
    {
        var lines = new List<DockerLogLine>();
        while (lines.Count == 0)
        {
            int length, target;
            if (tty)
            {
                length = await stream.ReadAsync(_payload, cancellationToken).ConfigureAwait(false);
                target = 1;
            }
            else
            {
                if (!await ReadExactlyAsync(_header, HeaderSize, cancellationToken).ConfigureAwait(false))
                {
                    return lines;
                }
                target = Math.Min((int)_header[0], 2);
                length = (int)BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4));
                if (_payload.Length < length)
                {
                    _payload = new byte[Math.Max(length, _payload.Length * 2)];
                }
                if (!await ReadExactlyAsync(_payload, length, cancellationToken).ConfigureAwait(false))
                {
                    return lines;
                }
            }
            if (length == 0)
            {
                return lines;
            }
            _partials[target].Add(_payload.AsSpan(0, length), tty, lines);
        }
        return lines;
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer, int count, CancellationToken cancellationToken)
    {
        var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, count), count, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return read == count;
    }

    /// <summary>CloudWatch Logs refuses empty messages; an empty line is still output, so it is kept as one blank.</summary>
    private static string Decode(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }
        return line.Length > 0 ? Encoding.UTF8.GetString(line) : " ";
    }

    /// <summary>The unfinished line of one stream.</summary>
    private sealed class Partial(LogSource source)
    {
        private readonly List<byte> _pending = [];
        private long _timestamp = -1;

        public void Add(ReadOnlySpan<byte> payload, bool tty, List<DockerLogLine> lines)
        {
            while (payload.Length > 0)
            {
                if (_timestamp < 0 || !tty)
                {
                    // Every frame (or, with a TTY, every line) begins with its timestamp.
                    var space = payload.IndexOf((byte)' ');
                    if (space < 0 || !DockerTimestamp.TryParse(payload[..space], out var timestamp))
                    {
                        return; // not Docker's format: nothing we can place in time
                    }
                    if (_timestamp < 0)
                    {
                        _timestamp = timestamp;
                    }
                    payload = payload[(space + 1)..];
                }
                var newline = payload.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    _pending.AddRange(payload);
                    return;
                }
                string message;
                if (_pending.Count == 0)
                {
                    message = Decode(payload[..newline]); // the common case: a whole line in one frame
                }
                else
                {
                    _pending.AddRange(payload[..newline]);
                    message = Decode(_pending.ToArray());
                    _pending.Clear();
                }
                lines.Add(new DockerLogLine(_timestamp, message, source));
                _timestamp = -1;
                payload = payload[(newline + 1)..];
                if (!tty)
                {
                    return; // one message per frame
                }
            }
        }
    }
}

/// <summary>Docker's RFC 3339 timestamps with up to nine fractional digits (trailing zeros trimmed), in UTC.</summary>
internal static class DockerTimestamp
{
    public static bool TryParse(ReadOnlySpan<byte> text, out long unixNanos)
    {
        unixNanos = 0;
        // 2024-05-01T10:00:00[.123456789]Z
        if (text.Length < 20 || text[^1] != 'Z' || text[10] != 'T')
        {
            return false;
        }
        Span<char> head = stackalloc char[19];
        for (var i = 0; i < 19; i++)
        {
            head[i] = (char)text[i];
        }
        if (!DateTime.TryParseExact(head, "yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var seconds))
        {
            return false;
        }
        long fraction = 0;
        var fractionText = text[19..^1];
        if (fractionText.Length > 0)
        {
            if (fractionText[0] != '.' || fractionText.Length > 10)
            {
                return false;
            }
            var digits = fractionText[1..];
            foreach (var d in digits)
            {
                if (d is < (byte)'0' or > (byte)'9')
                {
                    return false;
                }
                fraction = fraction * 10 + (d - '0');
            }
            for (var i = digits.Length; i < 9; i++)
            {
                fraction *= 10;
            }
        }
        unixNanos = (seconds.Ticks - DateTime.UnixEpoch.Ticks) * 100 + fraction;
        return true;
    }

    /// <summary>Docker's <c>since</c> parameter: Unix seconds with nanoseconds ("1714557600.123456789").</summary>
    public static string Since(long unixNanos) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{unixNanos / 1_000_000_000}.{unixNanos % 1_000_000_000:D9}");
}
