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
        var response = await handler(Read(body), context, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToUtf8Bytes(response, responseType);
    }

    private TRequest Read(ReadOnlyMemory<byte> body)
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
