using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Berth.Core.Errors;

namespace Berth.Api.Protocol;

/// <summary>
/// An AWS JSON 1.1 service: the <c>X-Amz-Target</c> prefix that selects it (e.g.
/// <c>AmazonEC2ContainerServiceV20141113</c>) and its operations by name.
/// </summary>
public sealed class JsonService
{
    private readonly Dictionary<string, IJsonOperation> _operations = new(StringComparer.Ordinal);
    private readonly JsonSerializerContext _contracts;

    private readonly IReadOnlySet<string> _modelOperations;

    /// <param name="modelOperations">Every operation the service's model defines: those without a handler
    /// answer UnsupportedFeatureException instead of UnknownOperationException.</param>
    public JsonService(string targetPrefix, JsonSerializerContext contracts, IReadOnlySet<string> modelOperations)
    {
        TargetPrefix = targetPrefix;
        _contracts = contracts;
        _modelOperations = modelOperations;
    }

    public string TargetPrefix { get; }

    public IReadOnlyCollection<string> OperationNames => _operations.Keys;

    /// <summary>
    /// Adds an operation named after its request record (<c>CreateClusterRequest</c> → <c>CreateCluster</c>),
    /// as botocore's models name them.
    /// </summary>
    public JsonService Add<TRequest, TResponse>(Func<TRequest, RequestContext, CancellationToken, Task<TResponse>> handler)
        where TRequest : new()
    {
        _operations.Add(OperationName<TRequest>(), new JsonOperation<TRequest, TResponse>(TypeInfo<TRequest>(), TypeInfo<TResponse>(), handler));
        return this;
    }

    /// <summary>Adds an operation whose model has no output shape (CloudWatch Logs' CreateLogGroup, …): success is <c>{}</c>.</summary>
    public JsonService Add<TRequest>(Func<TRequest, RequestContext, CancellationToken, Task> handler)
        where TRequest : new()
    {
        _operations.Add(OperationName<TRequest>(), new JsonOperation<TRequest>(TypeInfo<TRequest>(), handler));
        return this;
    }

    private static string OperationName<TRequest>()
    {
        const string suffix = "Request";
        var name = typeof(TRequest).Name;
        return name.EndsWith(suffix, StringComparison.Ordinal)
            ? name[..^suffix.Length]
            : throw new ArgumentException($"Request type {name} does not end with '{suffix}'.");
    }

    public IJsonOperation? Find(string operationName) =>
        _operations.GetValueOrDefault(operationName)
        ?? (_modelOperations.Contains(operationName) ? new UnsupportedOperation(operationName) : null);

    private sealed class UnsupportedOperation(string name) : IJsonOperation
    {
        public Task<byte[]> InvokeAsync(ReadOnlyMemory<byte> body, RequestContext context, CancellationToken cancellationToken) =>
            throw new UnsupportedFeatureException($"Berth does not support the {name} operation.");
    }

    private JsonTypeInfo<T> TypeInfo<T>() =>
        (JsonTypeInfo<T>?)_contracts.GetTypeInfo(typeof(T))
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not in {_contracts.GetType().Name}.");
}
