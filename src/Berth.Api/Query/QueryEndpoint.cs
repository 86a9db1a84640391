using Berth.Api.Protocol;
using Berth.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Query;

/// <summary>
/// The AWS query protocol edge: form-encoded <c>POST /</c> with <c>Action</c> and <c>Version</c>, answered in
/// XML. The service is chosen by <c>Version</c> (each query API has its own), or, when it is absent, by the
/// SigV4 credential scope's service name. The only place that turns exceptions into query error responses.
/// </summary>
public sealed partial class QueryEndpoint(
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
        catch (QueryServiceException e)
        {
            if (e.HttpStatus >= 500)
            {
                LogFault(logger, e, action, requestId);
            }
            await WriteErrorAsync(http.Response, service, e.HttpStatus, e.FaultType, e.Code, e.Message, requestId).ConfigureAwait(false);
        }
        catch (ProtocolException e)
        {
            await WriteErrorAsync(http.Response, service, e.HttpStatus, "Sender", e.ErrorCode, e.Message, requestId).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception e)
        {
            LogFault(logger, e, action, requestId);
            await WriteErrorAsync(http.Response, service, 500, "Receiver", "InternalFailure", $"Internal error; request id {requestId}.", requestId).ConfigureAwait(false);
        }
    }

    private QueryService FindService(string? version, string? signingName) =>
        (version is not null
            ? _services.FirstOrDefault(s => s.Model.ApiVersion == version)
            : _services.FirstOrDefault(s => s.Model.SigningName == signingName))
        ?? throw new ProtocolException("InvalidAction",
            $"No query service of Berth serves version '{version}' (service '{signingName}').");

    private Task WriteErrorAsync(HttpResponse response, QueryService? service, int status, string type, string code, string message, string requestId)
    {
        // Before the service is known there is no model namespace to answer in; the first service's writer is as good as any.
        var writer = (service ?? _services[0]).Writer;
        return WriteAsync(response, status, writer.WriteError(type, code, message, requestId));
    }

    private static async Task WriteAsync(HttpResponse response, int status, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = XmlContentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Query action {Action} ({RequestId}) failed")]
    private static partial void LogFault(ILogger logger, Exception exception, string action, string requestId);
}
