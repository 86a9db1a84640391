using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Berth.Core.State;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Protocol;

/// <summary>
/// Writes AWS JSON bodies: results, and errors as <c>{"__type": …, "message": …}</c> (plus <c>resourceIds</c> for the
/// errors that model it) with x-amzn-ErrorType.
/// </summary>
internal static class JsonResponses
{
    public const string ContentType = "application/x-amz-json-1.1";

    public static async Task WriteAsync(HttpResponse response, int status, byte[] body, string contentType = ContentType)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body).ConfigureAwait(false);
    }

    /// <summary>
    /// <paramref name="value"/> as <paramref name="type"/>'s JSON, serialized into a buffer the thread reuses and copied into
    /// the response's pipe (the agents' polls and reports and every AWS JSON answer come through here): no byte array per
    /// response. The length is known before the first byte is written, so the answer keeps its Content-Length.
    /// </summary>
    public static Task WriteAsync(HttpResponse response, int status, object? value, JsonTypeInfo type, string contentType = ContentType)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        JsonScratch.Serialize(value, type, response, WriteBody);
        return response.BodyWriter.FlushAsync().AsTask();
    }

    /// <summary>What <paramref name="write"/> writes of <paramref name="state"/>, through the same reused buffer.</summary>
    public static Task WriteAsync<TState>(HttpResponse response, int status, TState state, Action<Utf8JsonWriter, TState> write)
    {
        response.StatusCode = status;
        response.ContentType = ContentType;
        JsonScratch.Write(state, write, response, WriteBody);
        return response.BodyWriter.FlushAsync().AsTask();
    }

    /// <summary>The length is known before the first byte is written, so the answer keeps its Content-Length.</summary>
    private static void WriteBody(ReadOnlySpan<byte> body, HttpResponse response)
    {
        response.ContentLength = body.Length;
        response.BodyWriter.Write(body);
    }

    public static Task WriteErrorAsync(HttpResponse response, int status, string errorCode, string message) =>
        WriteErrorAsync(response, new ApiError(status, errorCode, message), ContentType);

    public static Task WriteErrorAsync(HttpResponse response, ApiError error, string contentType)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("__type", error.Code);
            writer.WriteString("message", error.Message);
            if (error.ResourceIds is { } ids)
            {
                writer.WriteStartArray("resourceIds");
                foreach (var id in ids)
                {
                    writer.WriteStringValue(id);
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        SetErrorHeaders(response, error);
        return WriteAsync(response, error.HttpStatus, buffer.WrittenSpan.ToArray(), contentType);
    }

    /// <summary>
    /// x-amzn-ErrorType names the error; x-amzn-query-error gives query-compatible services' SDKs the code the
    /// query protocol would have used (botocore <c>_do_query_compatible_error_parse</c>).
    /// </summary>
    public static void SetErrorHeaders(HttpResponse response, ApiError error)
    {
        response.Headers["x-amzn-ErrorType"] = error.Code;
        if (error.QueryCode is not null)
        {
            response.Headers["x-amzn-query-error"] = $"{error.QueryCode};{error.Fault}";
        }
    }
}
