using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Berth.Core.Errors;

namespace Berth.Api.Protocol;

/// <summary>
/// An AWS service: the <c>X-Amz-Target</c> prefix that selects it (e.g.
/// <c>AmazonEC2ContainerServiceV20141113</c>), the AWS JSON version it answers in, and its operations by name.
/// The same operations serve every wire protocol the service's model lists (JSON, RPC v2 CBOR, query).
/// </summary>
public sealed class JsonService
{
    private readonly Dictionary<string, IJsonOperation> _operations = new(StringComparer.Ordinal);
    private readonly JsonSerializerContext _contracts;

    private readonly IReadOnlySet<string> _modelOperations;

    /// <param name="modelOperations">Every operation the service's model defines: those without a handler
    /// answer UnsupportedFeatureException instead of UnknownOperationException.</param>
    /// <param name="jsonVersion">The model's <c>jsonVersion</c>: ECS speaks 1.1, CloudWatch 1.0.</param>
    public JsonService(string targetPrefix, JsonSerializerContext contracts, IReadOnlySet<string> modelOperations, string jsonVersion = "1.1")
    {
        TargetPrefix = targetPrefix;
        _contracts = contracts;
        _modelOperations = modelOperations;
        ContentType = $"application/x-amz-json-{jsonVersion}";
    }

    public string TargetPrefix { get; }

    /// <summary>The content type of the service's AWS JSON answers.</summary>
    public string ContentType { get; }

    /// <summary>Set by a service whose legal requests can be larger than the edge's default limit (PutLogEvents).</summary>
    public long? MaxRequestBytes { get; init; }

    public IReadOnlyCollection<string> OperationNames => _operations.Keys;

    /// <summary>
    /// Adds an operation named after its request record (<c>CreateClusterRequest</c> → <c>CreateCluster</c>,
    /// <c>GetMetricDataInput</c> → <c>GetMetricData</c>), as botocore's models name them.
    /// </summary>
    public JsonService Add<TRequest, TResponse>(Func<TRequest, RequestContext, CancellationToken, Task<TResponse>> handler)
        where TRequest : new()
        where TResponse : notnull
    {
        var name = typeof(TRequest).Name;
        var suffix = new[] { "Request", "Input" }.FirstOrDefault(s => name.EndsWith(s, StringComparison.Ordinal))
            ?? throw new ArgumentException($"Request type {name} ends with neither 'Request' nor 'Input'.", nameof(handler));
        _operations.Add(name[..^suffix.Length], new JsonOperation<TRequest, TResponse>(TypeInfo<TRequest>(), TypeInfo<TResponse>(), handler));
        return this;
    }

    /// <summary>
    /// Adds an operation whose model has no output shape (CloudWatch Logs' CreateLogGroup, …). The generator
    /// emits an empty <typeparamref name="TResponse"/> for it, so success is <c>{}</c> in every protocol.
    /// </summary>
    public JsonService AddWithoutOutput<TRequest, TResponse>(Func<TRequest, RequestContext, CancellationToken, Task> handler)
        where TRequest : new()
        where TResponse : notnull, new() =>
        Add<TRequest, TResponse>(async (request, context, cancellationToken) =>
        {
            await handler(request, context, cancellationToken).ConfigureAwait(false);
            return new TResponse();
        });

    public IJsonOperation? Find(string operationName) =>
        _operations.GetValueOrDefault(operationName)
        ?? (_modelOperations.Contains(operationName) ? new UnsupportedOperation(operationName) : null);

    private sealed class UnsupportedOperation(string name) : IJsonOperation
    {
        public Task<OperationResult> InvokeAsync(JsonBody body, RequestContext context, CancellationToken cancellationToken) =>
            throw new UnsupportedFeatureException($"Berth does not support the {name} operation.");
    }

    private JsonTypeInfo<T> TypeInfo<T>() =>
        (JsonTypeInfo<T>?)_contracts.GetTypeInfo(typeof(T))
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not in {_contracts.GetType().Name}.");
}
