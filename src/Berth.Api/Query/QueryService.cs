using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Berth.Api.Protocol;
using Berth.Core.Errors;
using Berth.Core.Query;

namespace Berth.Api.Query;

/// <summary>
/// A query-protocol service (ELBv2 now; IAM and STS reuse it): its model, and its operations by Action
/// name. Handlers take and return the same generated records as JSON services; the model drives the
/// translation from form parameters and to XML.
/// </summary>
public sealed class QueryService
{
    private readonly Dictionary<string, IQueryOperation> _operations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueryOperation> _operationsByInput;
    private readonly JsonSerializerContext _contracts;
    private readonly QueryRequestReader _reader;
    private readonly QueryResponseWriter _writer;

    public QueryService(QueryModel model, JsonSerializerContext contracts)
    {
        Model = model;
        _contracts = contracts;
        _reader = new QueryRequestReader(model);
        _writer = new QueryResponseWriter(model);
        _operationsByInput = model.Operations.Values.Where(o => o.Input is not null).ToDictionary(o => o.Input!, StringComparer.Ordinal);
    }

    public QueryModel Model { get; }

    public QueryResponseWriter Writer => _writer;

    /// <summary>Adds the operation whose input shape is <typeparamref name="TRequest"/> (e.g. CreateLoadBalancerInput → CreateLoadBalancer).</summary>
    public QueryService Add<TRequest, TResponse>(Func<TRequest, RequestContext, CancellationToken, Task<TResponse>> handler)
    {
        var operation = _operationsByInput.GetValueOrDefault(typeof(TRequest).Name)
            ?? throw new ArgumentException($"No {Model.SigningName} operation takes {typeof(TRequest).Name}.", nameof(handler));
        _operations.Add(operation.Name, new Operation<TRequest, TResponse>(this, operation, TypeInfo<TRequest>(), TypeInfo<TResponse>(), handler));
        return this;
    }

    /// <summary>The operation for <paramref name="action"/>; one the model has and Berth does not answers a clear error.</summary>
    public IQueryOperation? Find(string action) =>
        _operations.GetValueOrDefault(action)
        ?? (Model.Operations.ContainsKey(action) ? new UnsupportedOperation(action) : null);

    private JsonTypeInfo<T> TypeInfo<T>() =>
        (JsonTypeInfo<T>?)_contracts.GetTypeInfo(typeof(T))
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not in {_contracts.GetType().Name}.");

    private sealed class Operation<TRequest, TResponse>(
        QueryService service,
        QueryOperation operation,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        Func<TRequest, RequestContext, CancellationToken, Task<TResponse>> handler) : IQueryOperation
    {
        public async Task<byte[]> InvokeAsync(QueryForm form, RequestContext context, CancellationToken cancellationToken)
        {
            var response = await handler(Read(form), context, cancellationToken).ConfigureAwait(false);
            return service._writer.Write(operation, JsonSerializer.SerializeToNode(response, responseType), context.RequestId);
        }

        private TRequest Read(QueryForm form)
        {
            try
            {
                return service._reader.Read(form, operation.Input!).Deserialize(requestType)
                    ?? throw new QueryValidationException("The request is empty.");
            }
            catch (JsonException e)
            {
                throw new QueryValidationException($"Could not read the request: {e.Message}");
            }
        }
    }

    private sealed class UnsupportedOperation(string name) : IQueryOperation
    {
        public Task<byte[]> InvokeAsync(QueryForm form, RequestContext context, CancellationToken cancellationToken) =>
            throw new QueryUnsupportedException($"Berth does not support the {name} operation.");
    }
}

/// <summary>One operation of a query service: form in, XML out.</summary>
public interface IQueryOperation
{
    Task<byte[]> InvokeAsync(QueryForm form, RequestContext context, CancellationToken cancellationToken);
}
