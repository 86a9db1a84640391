using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Protocol;

/// <summary>Writes AWS JSON 1.1 bodies: results, and errors as <c>{"__type": …, "message": …}</c> with x-amzn-ErrorType.</summary>
public static class JsonResponses
{
    public const string ContentType = "application/x-amz-json-1.1";

    public static async Task WriteAsync(HttpResponse response, int status, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body).ConfigureAwait(false);
    }

    public static Task WriteErrorAsync(HttpResponse response, int status, string errorCode, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("__type", errorCode);
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }
        response.Headers["x-amzn-ErrorType"] = errorCode;
        return WriteAsync(response, status, buffer.WrittenSpan.ToArray());
    }
}
