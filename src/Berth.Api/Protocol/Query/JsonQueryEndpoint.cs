using System.Text;
using Berth.Control.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Protocol.Query;

/// <summary>
/// The AWS query protocol edge: <c>POST /</c> with a form body <c>Action=…&amp;Version=…&amp;…</c> and no
/// X-Amz-Target. Parameters become the operation's JSON request; the response record is written as XML.
/// </summary>
public sealed class JsonQueryEndpoint(
    IEnumerable<JsonQueryService> services, ApiOptions options, RequestContexts contexts, ILogger<JsonQueryEndpoint> logger)
{
    private const string DefaultNamespace = "https://berth.invalid/query/";
    private readonly Dictionary<string, JsonQueryService> _services = services.ToDictionary(s => s.ApiVersion, StringComparer.Ordinal);

    public async Task HandleAsync(HttpContext http)
    {
        var started = ServerMetrics.Start();
        var requestId = Guid.NewGuid().ToString();
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        var xmlNamespace = DefaultNamespace;
        var action = "";
        try
        {
            var body = await RequestBody.ReadAsync(http.Request, options.MaxRequestBytes, http.RequestAborted).ConfigureAwait(false);
            var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body.Span));
            action = form.TryGetValue("Action", out var a) ? a.ToString() : "";
            var version = form.TryGetValue("Version", out var v) ? v.ToString() : "";
            if (action.Length == 0)
            {
                throw new ProtocolException("MissingAction", "The request has no Action parameter.");
            }
            var service = _services.GetValueOrDefault(version)
                ?? throw new ProtocolException("InvalidAction", $"No service answers the query protocol for Version '{version}'.");
            xmlNamespace = service.XmlNamespace;
            var operation = service.Operations.Find(action)
                ?? throw new ProtocolException("InvalidAction", $"The action {action} is not valid for this web service.");
            var parameters = form
                .Where(p => p.Key is not ("Action" or "Version"))
                .Select(p => KeyValuePair.Create(p.Key, p.Value.ToString()));
            var result = await operation.InvokeAsync(type => QueryFormReader.ToJson(parameters, type), contexts.Create(http.Request, requestId), http.RequestAborted).ConfigureAwait(false);
            await WriteAsync(http.Response, 200, QueryXmlWriter.WriteResult(action, xmlNamespace, result, requestId)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (ApiError.From(e, http, action, requestId, logger) is { } error)
            {
                await WriteAsync(http.Response, error.HttpStatus, QueryXmlWriter.WriteError(xmlNamespace, error, requestId)).ConfigureAwait(false);
            }
        }
        finally
        {
            ServerMetrics.RecordRequest("query", action, http.Response.StatusCode, started);
        }
    }

    private static async Task WriteAsync(HttpResponse response, int status, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = "text/xml";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body).ConfigureAwait(false);
    }
}
