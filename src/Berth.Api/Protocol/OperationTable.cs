using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Berth.Api.Query;
using Berth.Core.Errors;
using Berth.Core.State;

namespace Berth.Api.Protocol;

/// <summary>
/// The operations of one AWS service by name, over the records generated from its model. Every protocol edge
/// runs a service's operations through its table, so a handler registered once answers in each protocol the
/// model lists. An operation the model has and Berth does not answers the service's own "unsupported" error.
/// </summary>
/// <param name="modelOperations">Every operation the service's model defines.</param>
/// <param name="unsupported">The service's error for a modelled operation without a handler, given its message.</param>
/// <param name="constraints">The model's required members and enum values, which every request is checked against
/// before it is read (<see cref="ModelConstraints.Check"/>); null when the handlers check their own.</param>
internal sealed class OperationTable(
    JsonSerializerContext contracts, IReadOnlySet<string> modelOperations, Func<string, AwsServiceException> unsupported,
    ModelConstraints? constraints = null)
{
    private readonly Dictionary<string, IJsonOperation> _operations = new(StringComparer.Ordinal);

    public void Add<TRequest, TResponse>(string name, Func<TRequest, RequestContext, CancellationToken, Task<TResponse>> handler)
        where TRequest : new()
        where TResponse : notnull
    {
        IJsonOperation operation = new JsonOperation<TRequest, TResponse>(contracts, handler);
        if (constraints?.Model.Operations[name].Input is { } input)
        {
            operation = new ConstrainedOperation(operation, constraints, input);
        }
        _operations.Add(name, operation);
    }

    public IJsonOperation? Find(string name) =>
        _operations.GetValueOrDefault(name)
        ?? (modelOperations.Contains(name) ? new UnsupportedOperation(unsupported($"Berth does not support the {name} operation.")) : null);

    /// <summary>
    /// Runs an operation for a caller inside the server (an Express service provisions through ELB's and Application
    /// Auto Scaling's operations), in the caller's context: it checks and changes exactly what the API call would.
    /// </summary>
    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(string name, TRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, contracts.TypeInfo<TRequest>());
        var operation = Find(name) ?? throw new InvalidOperationException($"No operation {name}.");
        return (TResponse)(await operation.InvokeAsync(() => body, context, cancellationToken).ConfigureAwait(false)).Value;
    }

    private sealed class ConstrainedOperation(IJsonOperation operation, ModelConstraints constraints, string input) : IJsonOperation
    {
        public Task<OperationResult> InvokeAsync(JsonBody body, RequestContext context, CancellationToken cancellationToken)
        {
            Check(body());
            return operation.InvokeAsync(body, context, cancellationToken);
        }

        /// <summary>
        /// A body the check cannot read (not JSON, a member twice, a string that is not UTF-8) is left to the operation's
        /// read, which refuses it with the protocol's error.
        /// </summary>
        private void Check(ReadOnlyMemory<byte> body)
        {
            try
            {
                var request = body.IsEmpty ? null : JsonNode.Parse(body.Span, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
                constraints.Check(input, request, path: "");
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
            }
        }
    }

    private sealed class UnsupportedOperation(AwsServiceException error) : IJsonOperation
    {
        public Task<OperationResult> InvokeAsync(JsonBody body, RequestContext context, CancellationToken cancellationToken) =>
            throw error;
    }
}
