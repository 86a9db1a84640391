using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Protocol;

/// <summary>Reads a request body whole, refusing it past the API's size limit before it is parsed.</summary>
internal static class RequestBody
{
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(request, maxBytes);
        }
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, maxBytes) + 1);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            int read;
            try
            {
                read = await request.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                // Kestrel counts a chunked body as it parses it, so its own limit (ours + 1) can trip before ours does.
                throw TooLarge(request, maxBytes);
            }
            catch (BadHttpRequestException e)
            {
                // The client's fault (a body shorter than its Content-Length, malformed chunks, too slow), not ours.
                throw ProtocolException.Unreadable(e.Message, e.StatusCode);
            }
            catch (InvalidDataException e)
            {
                // A body that is not in the Content-Encoding it names (the request decompression middleware inflates it).
                throw ProtocolException.Unreadable(e.Message, StatusCodes.Status400BadRequest);
            }
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }
            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                throw TooLarge(request, maxBytes);
            }
        }
    }

    /// <summary>
    /// The rest of a refused body is never read, so the connection cannot carry another request: the answer says
    /// so, or the client's next request on it would fail.
    /// </summary>
    private static ProtocolException TooLarge(HttpRequest request, long maxBytes)
    {
        request.HttpContext.Response.Headers.Connection = "close";
        return ProtocolException.TooLarge(maxBytes);
    }
}
