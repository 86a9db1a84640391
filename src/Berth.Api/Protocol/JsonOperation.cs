using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Berth.Core.State;

namespace Berth.Api.Protocol;

/// <summary>
/// Produces the request as the JSON of the operation's request record: the JSON protocols hand over their body
/// as it is, CBOR and the query protocol translate theirs. Called only once the operation is known to run, so an
/// unsupported operation is refused before its body is looked at.
/// </summary>
internal delegate ReadOnlyMemory<byte> JsonBody();

/// <summary>An operation's response record and the metadata that serializes it in any wire format.</summary>
internal sealed record OperationResult(object Value, JsonTypeInfo Type);

/// <summary>One operation of an AWS service: reads its request record, runs the handler, returns the response record.</summary>
internal interface IJsonOperation
{
    Task<OperationResult> InvokeAsync(JsonBody body, RequestContext context, CancellationToken cancellationToken);
}

/// <remarks>
/// The request and response metadata are built on the operation's first call, not when it is registered: building
/// them for every operation of every service at start-up was a third of the code an idle <c>berth up</c> JIT-compiled.
/// </remarks>
internal sealed class JsonOperation<TRequest, TResponse>(
    JsonSerializerContext contracts,
    Func<TRequest, RequestContext, CancellationToken, Task<TResponse>> handler) : IJsonOperation
    where TRequest : new()
    where TResponse : notnull
{
    private JsonTypeInfo<TRequest>? _requestType;
    private JsonTypeInfo<TResponse>? _responseType;

    public async Task<OperationResult> InvokeAsync(JsonBody body, RequestContext context, CancellationToken cancellationToken)
    {
        var response = await handler(Read(body()), context, cancellationToken).ConfigureAwait(false);
        return new OperationResult(response, _responseType ??= contracts.TypeInfo<TResponse>());
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
            return JsonSerializer.Deserialize(body.Span, _requestType ??= contracts.TypeInfo<TRequest>())
                ?? throw ProtocolException.Serialization("the body is JSON null.");
        }
        catch (JsonException e)
        {
            throw ProtocolException.Serialization(e.Message);
        }
    }
}
