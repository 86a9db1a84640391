using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Berth.Agent.Logs;

namespace Berth.Agent.Tests.Support;

/// <summary>Docker's <c>/containers/{id}/logs</c> body without a TTY: one 8-byte header (stream, 3 zeros, big-endian length) per message.</summary>
internal static class DockerLogFrames
{
    public static byte[] Frame(byte stream, string payload)
    {
        var body = Encoding.UTF8.GetBytes(payload);
        var frame = new byte[8 + body.Length];
        frame[0] = stream;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)body.Length);
        body.CopyTo(frame, 8);
        return frame;
    }

    /// <summary>Lines as Docker sends them with <c>timestamps=1</c>: RFC 3339 with nine fractional digits.</summary>
    public static byte[] Of(IEnumerable<DockerLogLine> lines) =>
        lines.SelectMany(l => Frame((byte)l.Source, $"{Timestamp(l.TimestampNanos)} {l.Message}\n")).ToArray();

    private static string Timestamp(long unixNanos) =>
        DateTime.UnixEpoch.AddTicks(unixNanos / 100).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)
        + string.Create(CultureInfo.InvariantCulture, $".{unixNanos % 1_000_000_000:D9}Z");
}
