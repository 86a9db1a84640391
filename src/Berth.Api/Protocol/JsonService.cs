using System.Text.Json.Serialization;
using Berth.Api.Query;
using Berth.Core.Errors;

namespace Berth.Api.Protocol;

/// <summary>
/// An AWS service: the <c>X-Amz-Target</c> prefix that selects it (e.g.
/// <c>AmazonEC2ContainerServiceV20141113</c>), the AWS JSON version it answers in, and its operations by name.
/// The same operations serve every wire protocol the service's model lists (JSON, RPC v2 CBOR, query).
/// </summary>
public sealed class JsonService
{
    /// <param name="modelOperations">Every operation the service's model defines: those without a handler
    /// answer UnsupportedFeatureException instead of UnknownOperationException.</param>
    /// <param name="signingName">The model's <c>signingName</c> (ecs, logs, monitoring): the service a request's SigV4 scope must name.</param>
    /// <param name="jsonVersion">The model's <c>jsonVersion</c>: ECS speaks 1.1, CloudWatch 1.0.</param>
    /// <param name="constraints">The constraints of the service's query model, when it has one: its required members and
    /// enum values are then checked for every request, whatever its protocol (<see cref="OperationTable"/>).</param>
    public JsonService(
        string targetPrefix, string signingName, JsonSerializerContext contracts, IReadOnlySet<string> modelOperations, string jsonVersion = "1.1",
        ModelConstraints? constraints = null)
    {
        TargetPrefix = targetPrefix;
        SigningName = signingName;
        Operations = new OperationTable(contracts, modelOperations, message => new UnsupportedFeatureException(message), constraints);
        ContentType = $"application/x-amz-json-{jsonVersion}";
    }

    public string TargetPrefix { get; }

    public string SigningName { get; }

    /// <summary>The content type of the service's AWS JSON answers.</summary>
    public string ContentType { get; }

    /// <summary>
    /// Set by a service that was a query service first (the model's awsQueryCompatible: CloudWatch): its JSON and CBOR
    /// errors repeat the query code in x-amzn-query-error. Others never send it, or SDKs would report the query code.
    /// </summary>
    public bool QueryCompatible { get; init; }

    /// <summary>Set by a service whose legal requests can be larger than the edge's default limit (PutLogEvents).</summary>
    public long? MaxRequestBytes { get; init; }

    internal OperationTable Operations { get; }

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
        Operations.Add(name[..^suffix.Length], handler);
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
}
