using System.Buffers.Binary;
using System.Text;

namespace Berth.Core.Exec;

/// <summary>What a frame of an exec session carries: its first byte.</summary>
public enum ExecFrameType : byte
{
    /// <summary>Client → agent, first: whether to allocate a TTY, and its size.</summary>
    Start = 0x00,

    /// <summary>Client → agent: bytes for the command's stdin.</summary>
    Stdin = 0x01,

    /// <summary>Client → agent: stdin ended.</summary>
    StdinClosed = 0x02,

    /// <summary>Client → agent: the terminal's new size.</summary>
    Resize = 0x03,

    /// <summary>Agent → client: the command's output (all of it, with a TTY).</summary>
    Stdout = 0x11,

    /// <summary>Agent → client: the command's standard error (without a TTY).</summary>
    Stderr = 0x12,

    /// <summary>Agent → client, last: the command's exit code.</summary>
    Exit = 0x13,

    /// <summary>Agent → client, last: the command could not run (UTF-8 text).</summary>
    Error = 0x14,
}

/// <summary>
/// The frames of an exec session (docs/agent-protocol.md, "Exec sessions"): each WebSocket binary message between
/// <c>berth exec</c> and the agent is one frame, a type byte then its payload; the server relays the messages unread.
/// </summary>
public static class ExecFrames
{
    /// <summary>The header that carries a session's token (ExecuteCommand's <c>session.tokenValue</c>) to the relay.</summary>
    public const string TokenHeader = "X-Berth-Session-Token";

    public static byte[] Start(bool tty, int columns, int rows)
    {
        var frame = new byte[6];
        frame[0] = (byte)ExecFrameType.Start;
        frame[1] = tty ? (byte)1 : (byte)0;
        WriteSize(frame.AsSpan(2), columns, rows);
        return frame;
    }

    public static byte[] Resize(int columns, int rows)
    {
        var frame = new byte[5];
        frame[0] = (byte)ExecFrameType.Resize;
        WriteSize(frame.AsSpan(1), columns, rows);
        return frame;
    }

    public static byte[] Data(ExecFrameType type, ReadOnlySpan<byte> data)
    {
        var frame = new byte[data.Length + 1];
        frame[0] = (byte)type;
        data.CopyTo(frame.AsSpan(1));
        return frame;
    }

    public static byte[] Exit(int exitCode)
    {
        var frame = new byte[5];
        frame[0] = (byte)ExecFrameType.Exit;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), exitCode);
        return frame;
    }

    public static byte[] Error(string message) => Data(ExecFrameType.Error, Encoding.UTF8.GetBytes(message));

    public static (bool Tty, int Columns, int Rows) ReadStart(ReadOnlySpan<byte> payload) =>
        payload.Length == 5 ? (payload[0] == 1, BinaryPrimitives.ReadUInt16BigEndian(payload[1..]), BinaryPrimitives.ReadUInt16BigEndian(payload[3..]))
            : throw new FormatException("A Start frame carries a TTY flag and a size.");

    public static (int Columns, int Rows) ReadSize(ReadOnlySpan<byte> payload) =>
        payload.Length == 4 ? (BinaryPrimitives.ReadUInt16BigEndian(payload), BinaryPrimitives.ReadUInt16BigEndian(payload[2..]))
            : throw new FormatException("A Resize frame carries columns and rows.");

    public static int ReadExit(ReadOnlySpan<byte> payload) =>
        payload.Length == 4 ? BinaryPrimitives.ReadInt32BigEndian(payload) : throw new FormatException("An Exit frame carries the exit code.");

    private static void WriteSize(Span<byte> target, int columns, int rows)
    {
        BinaryPrimitives.WriteUInt16BigEndian(target, (ushort)Math.Clamp(columns, 0, ushort.MaxValue));
        BinaryPrimitives.WriteUInt16BigEndian(target[2..], (ushort)Math.Clamp(rows, 0, ushort.MaxValue));
    }
}
