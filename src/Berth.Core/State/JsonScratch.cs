using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Berth.Core.State;

/// <summary>
/// UTF-8 JSON written into buffers kept per thread and reused call after call, for the hot paths that serialize only to
/// compare or to copy out: a placement or a report serializes whole task records, and new buffers (grown by doubling)
/// and UTF-16 strings for each were a large share of the server's allocations (docs/performance.md, "allocations per
/// task"). Nothing here awaits, so a buffer is never shared between two callers on one thread.
/// </summary>
public static class JsonScratch
{
    /// <summary>A buffer that grew past this (a rare huge document) is dropped after use rather than kept by its thread.</summary>
    private const int KeptBytes = 64 * 1024;

    [ThreadStatic]
    private static Scratch? s_first;

    [ThreadStatic]
    private static Scratch? s_second;

    /// <summary>
    /// Whether <paramref name="a"/> and <paramref name="b"/> serialize to the same JSON: how records that hold lists (which
    /// records compare by reference) are compared by value.
    /// </summary>
    public static bool SameJson<T>(T a, T b, JsonTypeInfo<T> type)
    {
        var first = s_first ??= new Scratch();
        var second = s_second ??= new Scratch();
        try
        {
            return first.Write(a, type).SequenceEqual(second.Write(b, type));
        }
        finally
        {
            first.Release(ref s_first);
            second.Release(ref s_second);
        }
    }

    /// <summary>What <paramref name="write"/> writes, as a string.</summary>
    public static string ToJsonString<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var scratch = s_first ??= new Scratch();
        try
        {
            return System.Text.Encoding.UTF8.GetString(scratch.Write(state, write));
        }
        finally
        {
            scratch.Release(ref s_first);
        }
    }

    private sealed class Scratch
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(4096);
        private readonly Utf8JsonWriter _writer;

        public Scratch() => _writer = new Utf8JsonWriter(_buffer);

        public ReadOnlySpan<byte> Write<T>(T value, JsonTypeInfo<T> type) =>
            Write((value, type), static (writer, state) => JsonSerializer.Serialize(writer, state.value, state.type));

        public ReadOnlySpan<byte> Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
        {
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
            write(_writer, state);
            _writer.Flush();
            return _buffer.WrittenSpan;
        }

        /// <summary>Forgets this buffer when it grew past what a thread keeps.</summary>
        public void Release(ref Scratch? slot)
        {
            if (_buffer.Capacity > KeptBytes)
            {
                slot = null;
            }
        }
    }
}
