using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Berth.Api.Protocol;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Agent;

/// <summary>
/// The body of an agent protocol request (poll, reports, stats) as its record, or a 400 SerializationException answered
/// for a body that is not one.
/// </summary>
/// <remarks>
/// The body is read whole into a buffer rented from the shared pool, then deserialized in one pass: these bodies are a
/// few hundred bytes to a few kilobytes, and the resumable path over the stream (<c>JsonSerializer.DeserializeAsync</c>)
/// cost several times the single pass in every poll and report (docs/performance.md, "the request path and wake-ups per
/// task"). What bounds the body is unchanged: Kestrel's limit (and, with signatures, <see cref="SignedRoutes"/>, which
/// read it first), whose <see cref="BadHttpRequestException"/> Kestrel answers as before; a body Kestrel refuses is
/// never parsed. The JSON errors and their messages are the single pass's, which are the resumable path's.
/// </remarks>
internal static class AgentRequest
{
    /// <summary>A buffer this size holds every poll and most report batches at once.</summary>
    private const int InitialBytes = 4096;

    /// <summary>Past this the first buffer is not sized from Content-Length: Kestrel refuses a body over its limit on the first read.</summary>
    private const int LargestInitialBytes = 64 * 1024;

    public static async Task<T?> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> type)
        where T : class
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialSize(http.Request.ContentLength));
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    buffer = Grow(buffer);
                }
                var read = await http.Request.Body.ReadAsync(buffer.AsMemory(length), http.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                length += read;
            }
            return JsonSerializer.Deserialize(buffer.AsSpan(0, length), type) ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            await JsonResponses.WriteErrorAsync(http.Response, 400, "SerializationException", e.Message).ConfigureAwait(false);
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Room for the whole declared body and the read that finds its end, so a body that says its length is read into one buffer.</summary>
    private static int InitialSize(long? contentLength) =>
        contentLength is { } declared ? (int)Math.Clamp(declared + 1, 1, LargestInitialBytes) : InitialBytes;

    private static byte[] Grow(byte[] full)
    {
        var larger = ArrayPool<byte>.Shared.Rent(full.Length * 2);
        full.AsSpan().CopyTo(larger);
        ArrayPool<byte>.Shared.Return(full);
        return larger;
    }
}
