using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Berth.Api.Protocol;

/// <summary>
/// Produces the request as JSON for the operation's request record. The JSON protocols hand over their body
/// as it is; CBOR and the query protocol translate theirs, the latter guided by <paramref name="requestType"/>.
/// </summary>
public delegate ReadOnlyMemory<byte> JsonBody(JsonTypeInfo requestType);

/// <summary>An operation's response record and the metadata that serializes it in any wire format.</summary>
public sealed record OperationResult(object Value, JsonTypeInfo Type);

/// <summary>One operation of an AWS service: reads its request record, runs the handler, returns the response record.</summary>
public interface IJsonOperation
{
    Task<OperationResult> InvokeAsync(JsonBody body, RequestContext context, CancellationToken cancellationToken);
}

internal sealed class JsonOperation<TRequest, TResponse>(
    JsonTypeInfo<TRequest> requestType,
    JsonTypeInfo<TResponse> responseType,
    Func<TRequest, RequestContext, CancellationToken, Task<TResponse>> handler) : IJsonOperation
    where TRequest : new()
    where TResponse : notnull
{
    public async Task<OperationResult> InvokeAsync(JsonBody body, RequestContext context, CancellationToken cancellationToken)
    {
        var response = await handler(Read(body(requestType)), context, cancellationToken).ConfigureAwait(false);
        return new OperationResult(response, responseType);
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
            DenseLists.Check(body.Span);
            return JsonSerializer.Deserialize(body.Span, requestType)
                ?? throw ProtocolException.Serialization("the body is JSON null.");
        }
        catch (JsonException e)
        {
            throw ProtocolException.Serialization(e.Message);
        }
    }
}
