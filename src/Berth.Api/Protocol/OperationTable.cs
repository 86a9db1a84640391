using System.Text.Json.Serialization;
using Berth.Core.Errors;

namespace Berth.Api.Protocol;

/// <summary>
/// The operations of one AWS service by name, over the records generated from its model. Every protocol edge
/// runs a service's operations through its table, so a handler registered once answers in each protocol the
/// model lists. An operation the model has and Berth does not answers the service's own "unsupported" error.
/// </summary>
/// <param name="modelOperations">Every operation the service's model defines.</param>
/// <param name="unsupported">The service's error for a modelled operation without a handler, given its message.</param>
internal sealed class OperationTable(
    JsonSerializerContext contracts, IReadOnlySet<string> modelOperations, Func<string, AwsServiceException> unsupported)
{
    private readonly Dictionary<string, IJsonOperation> _operations = new(StringComparer.Ordinal);

    public void Add<TRequest, TResponse>(string name, Func<TRequest, RequestContext, CancellationToken, Task<TResponse>> handler)
        where TRequest : new()
        where TResponse : notnull =>
        _operations.Add(name, new JsonOperation<TRequest, TResponse>(contracts, handler));

    public IJsonOperation? Find(string name) =>
        _operations.GetValueOrDefault(name)
        ?? (modelOperations.Contains(name) ? new UnsupportedOperation(unsupported($"Berth does not support the {name} operation.")) : null);

    private sealed class UnsupportedOperation(AwsServiceException error) : IJsonOperation
    {
        public Task<OperationResult> InvokeAsync(JsonBody body, RequestContext context, CancellationToken cancellationToken) =>
            throw error;
    }
}
