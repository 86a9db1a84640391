using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Berth.Api.Protocol;

/// <summary>One operation of an AWS JSON service: reads its request record, runs the handler, writes the response record.</summary>
public interface IJsonOperation
{
    Task<byte[]> InvokeAsync(ReadOnlyMemory<byte> body, RequestContext context, CancellationToken cancellationToken);
}

internal sealed class JsonOperation<TRequest, TResponse>(
    JsonTypeInfo<TRequest> requestType,
    JsonTypeInfo<TResponse> responseType,
    Func<TRequest, RequestContext, CancellationToken, Task<TResponse>> handler) : IJsonOperation
    where TRequest : new()
{
    public async Task<byte[]> InvokeAsync(ReadOnlyMemory<byte> body, RequestContext context, CancellationToken cancellationToken)
    {
        var response = await handler(JsonRequests.Read(body, requestType), context, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToUtf8Bytes(response, responseType);
    }
}

/// <summary>An operation without an output shape: its success body is an empty object.</summary>
internal sealed class JsonOperation<TRequest>(
    JsonTypeInfo<TRequest> requestType,
    Func<TRequest, RequestContext, CancellationToken, Task> handler) : IJsonOperation
    where TRequest : new()
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    public async Task<byte[]> InvokeAsync(ReadOnlyMemory<byte> body, RequestContext context, CancellationToken cancellationToken)
    {
        await handler(JsonRequests.Read(body, requestType), context, cancellationToken).ConfigureAwait(false);
        return EmptyObject;
    }
}

internal static class JsonRequests
{
    public static TRequest Read<TRequest>(ReadOnlyMemory<byte> body, JsonTypeInfo<TRequest> requestType)
        where TRequest : new()
    {
        // Clients send "{}" for operations without parameters, but an empty body means the same.
        if (body.IsEmpty)
        {
            return new TRequest();
        }
        try
        {
            return JsonSerializer.Deserialize(body.Span, requestType)
                ?? throw ProtocolException.Serialization("the body is JSON null.");
        }
        catch (JsonException e)
        {
            throw ProtocolException.Serialization(e.Message);
        }
    }
}
