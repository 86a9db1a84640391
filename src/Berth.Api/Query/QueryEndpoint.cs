using Berth.Api.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Query;

/// <summary>
/// The AWS query protocol edge: form-encoded <c>POST /</c> with <c>Action</c> and <c>Version</c>, answered in
/// XML. The service is chosen by <c>Version</c> (each query API has its own), or, when it is absent, by the
/// SigV4 credential scope's service name.
/// </summary>
public sealed class QueryEndpoint(
    IEnumerable<QueryService> services, ApiOptions options, RequestContexts contexts, ILogger<QueryEndpoint> logger)
{
    private const string XmlContentType = "text/xml";
    private readonly QueryService[] _services = services.ToArray();

    public async Task HandleAsync(HttpContext http)
    {
        var requestId = Guid.NewGuid().ToString();
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        QueryService? service = null;
        var action = "";
        try
        {
            var body = await RequestBody.ReadAsync(http.Request, options.MaxRequestBytes, http.RequestAborted).ConfigureAwait(false);
            var form = QueryForm.Parse(body.Span);
            action = form["Action"] ?? throw new ProtocolException("MissingAction", "The request must contain the parameter Action.");
            service = FindService(form["Version"], SigV4CredentialScope.Parse(http.Request.Headers.Authorization.ToString())?.Service);
            var operation = service.Find(action)
                ?? throw new ProtocolException("InvalidAction", $"The action {action} is not valid for this web service.");
            var context = contexts.Create(http.Request, requestId);
            var response = await operation.InvokeAsync(form, context, http.RequestAborted).ConfigureAwait(false);
            await WriteAsync(http.Response, 200, response).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (ApiError.From(e, http, action, requestId, logger) is { } error)
            {
                await WriteErrorAsync(http.Response, service, error, requestId).ConfigureAwait(false);
            }
        }
    }

    private QueryService FindService(string? version, string? signingName) =>
        (version is not null
            ? _services.FirstOrDefault(s => s.Model.ApiVersion == version)
            : _services.FirstOrDefault(s => s.Model.SigningName == signingName))
        ?? throw new ProtocolException("InvalidAction",
            $"No query service of Berth serves version '{version}' (service '{signingName}').");

    private Task WriteErrorAsync(HttpResponse response, QueryService? service, ApiError error, string requestId)
    {
        // Before the service is known there is no model namespace to answer in; the first service's writer is as good as any.
        var writer = (service ?? _services[0]).Writer;
        return WriteAsync(response, error.HttpStatus, writer.WriteError(error.Fault, error.QueryCode ?? error.Code, error.Message, requestId));
    }

    private static async Task WriteAsync(HttpResponse response, int status, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = XmlContentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body).ConfigureAwait(false);
    }
}
