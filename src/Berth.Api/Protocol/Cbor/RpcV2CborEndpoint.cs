using Berth.Control.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Protocol.Cbor;

/// <summary>
/// The Smithy RPC v2 CBOR edge: <c>POST /service/{targetPrefix}/operation/{Operation}</c> with
/// <c>smithy-protocol: rpc-v2-cbor</c>, which current botocore uses for CloudWatch. Requests are translated to
/// JSON and run by the same <see cref="JsonService"/> operations as the AWS JSON edge.
/// See https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html.
/// </summary>
public sealed class RpcV2CborEndpoint(
    IEnumerable<JsonService> services, ApiOptions options, RequestContexts contexts, ILogger<RpcV2CborEndpoint> logger)
{
    public const string Route = "/service/{service}/operation/{operation}";
    private const string ContentType = "application/cbor";

    private readonly Dictionary<string, JsonService> _services = services.ToDictionary(s => s.TargetPrefix, StringComparer.Ordinal);

    public async Task HandleAsync(HttpContext http)
    {
        var started = ServerMetrics.Start();
        var requestId = Guid.NewGuid().ToString();
        var serviceName = http.Request.RouteValues["service"] as string ?? "";
        var operationName = http.Request.RouteValues["operation"] as string ?? "";
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        // Every response, errors included, names the protocol (Smithy RPC v2: "smithy-protocol" response header).
        http.Response.Headers["smithy-protocol"] = "rpc-v2-cbor";
        try
        {
            var operation = _services.TryGetValue(serviceName, out var service) && service.Operations.Find(operationName) is { } found
                ? found
                : throw ProtocolException.UnknownOperation($"{serviceName}.{operationName}");
            var body = await RequestBody.ReadAsync(http.Request, options.MaxRequestBytes, http.RequestAborted).ConfigureAwait(false);
            var context = await contexts.CreateAsync(http.Request, body, requestId, service.SigningName, http.RequestAborted).ConfigureAwait(false);
            var json = CborToJson.Convert(body);
            await contexts.AuthorizeAsync(http.Request, context, service.SigningName, operationName, json, http.RequestAborted).ConfigureAwait(false);
            var result = await operation.InvokeAsync(() => json, context, http.RequestAborted).ConfigureAwait(false);
            await WriteAsync(http.Response, 200, CborShapeWriter.Write(result.Value, result.Type)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (ApiError.From(e, http, $"{serviceName}.{operationName}", requestId, logger) is { } error)
            {
                JsonResponses.SetErrorHeaders(http.Response, error.ForJson(_services.GetValueOrDefault(serviceName)?.QueryCompatible == true));
                await WriteAsync(http.Response, error.HttpStatus, CborShapeWriter.WriteError(error.Code, error.Message)).ConfigureAwait(false);
            }
        }
        finally
        {
            ServerMetrics.RecordRequest("rpc-v2-cbor", $"{serviceName}.{operationName}", http.Response.StatusCode, started);
        }
    }

    private static async Task WriteAsync(HttpResponse response, int status, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body).ConfigureAwait(false);
    }
}
