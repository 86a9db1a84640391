using Berth.Control.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Protocol;

/// <summary>
/// The AWS JSON edge (1.1 for ECS, 1.0 for CloudWatch): <c>POST /</c> with <c>X-Amz-Target: {prefix}.{Operation}</c>.
/// Errors are written as <c>{"__type": …, "message": …}</c>, so handlers just throw.
/// </summary>
public sealed class AwsJsonEndpoint(
    IEnumerable<JsonService> services, ApiOptions options, RequestContexts contexts, ILogger<AwsJsonEndpoint> logger)
{
    private readonly Dictionary<string, JsonService> _services = services.ToDictionary(s => s.TargetPrefix, StringComparer.Ordinal);

    public async Task HandleAsync(HttpContext http)
    {
        var started = ServerMetrics.Start();
        var requestId = Guid.NewGuid().ToString();
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        var target = http.Request.Headers["X-Amz-Target"].ToString();
        var contentType = JsonResponses.ContentType;
        var queryCompatible = false;
        try
        {
            var (service, operation) = FindOperation(target);
            contentType = service.ContentType;
            queryCompatible = service.QueryCompatible;
            var body = await RequestBody.ReadAsync(http.Request, service.MaxRequestBytes ?? options.MaxRequestBytes, http.RequestAborted).ConfigureAwait(false);
            var context = await contexts.CreateAsync(http.Request, body, requestId, service.SigningName, http.RequestAborted).ConfigureAwait(false);
            await contexts.AuthorizeAsync(http.Request, context, service.SigningName, OperationName(target), body, http.RequestAborted).ConfigureAwait(false);
            var result = await operation.InvokeAsync(() => body, context, http.RequestAborted).ConfigureAwait(false);
            await JsonResponses.WriteAsync(http.Response, 200, result.Value, result.Type, contentType).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (ApiError.From(e, http, target, requestId, logger) is { } error)
            {
                await JsonResponses.WriteErrorAsync(http.Response, error.ForJson(queryCompatible), contentType).ConfigureAwait(false);
            }
        }
        finally
        {
            ServerMetrics.RecordRequest("json", target, http.Response.StatusCode, started);
        }
    }

    private static string OperationName(string target) => target[(target.LastIndexOf('.') + 1)..];

    private (JsonService, IJsonOperation) FindOperation(string target)
    {
        var dot = target.LastIndexOf('.');
        if (dot <= 0)
        {
            throw ProtocolException.MissingTarget();
        }
        return _services.TryGetValue(target[..dot], out var service) && service.Operations.Find(OperationName(target)) is { } operation
            ? (service, operation)
            : throw ProtocolException.UnknownOperation(target);
    }
}
