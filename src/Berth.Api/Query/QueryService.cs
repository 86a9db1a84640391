using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Berth.Api.Protocol;
using Berth.Core.Errors;
using Berth.Core.Query;

namespace Berth.Api.Query;

/// <summary>
/// A service that answers the AWS query protocol: its model (generated from botocore's by eng/generate-shapes.py:
/// API version, signing name, XML namespace, every shape's wire names) and its operations. Handlers take and
/// return the same generated records as JSON services; the model drives the translation from form parameters
/// and to XML. Registering one (as a singleton <see cref="QueryService"/>) is all <see cref="QueryEndpoint"/>
/// needs to serve it.
/// </summary>
public sealed class QueryService
{
    private readonly OperationTable _operations;
    private readonly Dictionary<string, string> _actionsByInput;
    private readonly QueryRequestReader _reader;
    private readonly QueryResponseWriter _writer;

    /// <summary>A query service (ELBv2; IAM, STS and EC2 next): its handlers are added with <see cref="Add"/>.</summary>
    public QueryService(QueryModel model, JsonSerializerContext contracts)
        : this(model, new OperationTable(contracts, model.Operations.Keys.ToHashSet(StringComparer.Ordinal), message => new QueryUnsupportedException(message),
            new ModelConstraints(model, ModelConstraints.ValidationError)))
    {
    }

    /// <summary>
    /// The query edge of a JSON service whose model also lists the query protocol (CloudWatch, which was a query
    /// service first): the same operations, with the JSON service's errors and constraints.
    /// </summary>
    public QueryService(QueryModel model, JsonService service)
        : this(model, service.Operations)
    {
    }

    private QueryService(QueryModel model, OperationTable operations)
    {
        Model = model;
        _operations = operations;
        _reader = new QueryRequestReader(model);
        _writer = new QueryResponseWriter(model);
        _actionsByInput = model.Operations.Values.Where(o => o.Input is not null).ToDictionary(o => o.Input!, o => o.Name, StringComparer.Ordinal);
    }

    public QueryModel Model { get; }

    /// <summary>The operations by action name, for callers inside the server (<c>berth cleanup --apply</c>).</summary>
    internal OperationTable Operations => _operations;

    /// <summary>Adds the operation whose input shape is <typeparamref name="TRequest"/> (e.g. CreateLoadBalancerInput → CreateLoadBalancer).</summary>
    public QueryService Add<TRequest, TResponse>(Func<TRequest, RequestContext, CancellationToken, Task<TResponse>> handler)
        where TRequest : new()
        where TResponse : notnull
    {
        var action = _actionsByInput.GetValueOrDefault(typeof(TRequest).Name)
            ?? throw new ArgumentException($"No {Model.SigningName} operation takes {typeof(TRequest).Name}.", nameof(handler));
        _operations.Add(action, handler);
        return this;
    }

    /// <summary>Runs <paramref name="action"/> on the form's parameters, once <paramref name="authorize"/> allows its request, and answers its XML.</summary>
    internal async Task<byte[]> InvokeAsync(string action, QueryForm form, RequestContext context, Func<byte[], Task> authorize,
        CancellationToken cancellationToken)
    {
        if (!Model.Operations.TryGetValue(action, out var operation) || _operations.Find(action) is not { } run)
        {
            throw new ProtocolException("InvalidAction", $"The action {action} is not valid for this web service.");
        }
        var request = Encoding.UTF8.GetBytes(_reader.Read(form, operation.Input).ToJsonString());
        await authorize(request).ConfigureAwait(false);
        var result = await run.InvokeAsync(() => request, context, cancellationToken).ConfigureAwait(false);
        return _writer.Write(operation, JsonSerializer.SerializeToNode(result.Value, result.Type), context.RequestId);
    }

    /// <summary>An error in the service's namespace.</summary>
    internal byte[] WriteError(ApiError error, string requestId) =>
        _writer.WriteError(error.Fault, error.QueryCode ?? error.Code, error.Message, requestId);
}
