using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Berth.Core.State;

/// <summary>
/// UTF-8 JSON written into buffers kept per thread and reused call after call, for the hot paths that serialize only to
/// compare, to copy out or to answer a request: a placement or a report serializes whole task records, and new buffers
/// (grown by doubling), byte arrays and UTF-16 strings for each were a large share of the server's allocations
/// (docs/performance.md, "allocations per task"). Nothing here awaits, so a buffer is never shared by two callers on one
/// thread; what a caller is handed lives until it returns, so it copies what it keeps.
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

    /// <summary>
    /// Hands <paramref name="value"/>'s JSON, as <see cref="JsonSerializer.SerializeToUtf8Bytes(object?, JsonTypeInfo)"/>
    /// writes it, to <paramref name="consume"/>, which must copy what it keeps before it returns.
    /// </summary>
    public static void Serialize<TState>(object? value, JsonTypeInfo type, TState state, ReadOnlySpanAction<byte, TState> consume)
    {
        var scratch = s_first ??= new Scratch();
        try
        {
            consume(scratch.Write(value, type), state);
        }
        finally
        {
            scratch.Release(ref s_first);
        }
    }

    /// <summary>
    /// Hands what <paramref name="write"/> writes (with the writer's default options, those of every source-generated
    /// contract here) to <paramref name="consume"/>, which must copy what it keeps before it returns.
    /// </summary>
    public static void Write<TState, TTarget>(TState state, Action<Utf8JsonWriter, TState> write, TTarget target, ReadOnlySpanAction<byte, TTarget> consume)
    {
        var scratch = s_first ??= new Scratch();
        try
        {
            consume(scratch.Write(state, default, write), target);
        }
        finally
        {
            scratch.Release(ref s_first);
        }
    }

    /// <summary>What <paramref name="write"/> writes (with the writer's default options), as UTF-8 bytes of their own.</summary>
    public static byte[] ToUtf8Bytes<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var scratch = s_first ??= new Scratch();
        try
        {
            return scratch.Write(state, default, write).ToArray();
        }
        finally
        {
            scratch.Release(ref s_first);
        }
    }

    private sealed class Scratch
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(4096);
        private Utf8JsonWriter? _writer;

        public ReadOnlySpan<byte> Write<T>(T value, JsonTypeInfo<T> type) =>
            Write((value, type), WriterOptions(type.Options), static (writer, state) => JsonSerializer.Serialize(writer, state.value, state.type));

        public ReadOnlySpan<byte> Write(object? value, JsonTypeInfo type) =>
            Write((value, type), WriterOptions(type.Options), static (writer, state) => JsonSerializer.Serialize(writer, state.value, state.type));

        public ReadOnlySpan<byte> Write<TState>(TState state, JsonWriterOptions options, Action<Utf8JsonWriter, TState> write)
        {
            _buffer.ResetWrittenCount();
            if (_writer is not null && _writer.Options.Encoder == options.Encoder && _writer.Options.Indented == options.Indented)
            {
                _writer.Reset(_buffer);
            }
            else
            {
                _writer = new Utf8JsonWriter(_buffer, options);
            }
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

        /// <summary>The writer settings that <see cref="JsonSerializer"/> takes from the contract's options, so the bytes are the same.</summary>
        private static JsonWriterOptions WriterOptions(JsonSerializerOptions options) =>
            new() { Encoder = options.Encoder, Indented = options.WriteIndented };
    }
}
