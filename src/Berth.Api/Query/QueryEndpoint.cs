using Berth.Api.Protocol;
using Berth.Control.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Query;

/// <summary>
/// The AWS query protocol edge, for every query service Berth has (ELBv2, CloudWatch's query edge): form-encoded
/// <c>POST /</c> with <c>Action</c> and <c>Version</c>, answered in XML. The service is chosen by <c>Version</c>
/// (each query API has its own), or, when it is absent, by the SigV4 credential scope's service name.
/// The services are built on the first query request, not at start-up: each holds its whole botocore model (IAM's
/// alone is thousands of shapes, one static initialiser of 140 KB of code), which an idle server never reads
/// (docs/performance.md, Idle memory).
/// </summary>
public sealed class QueryEndpoint(
    IServiceProvider provider, ApiOptions options, RequestContexts contexts, ILogger<QueryEndpoint> logger)
{
    private const string XmlContentType = "text/xml";
    private readonly Lazy<QueryService[]> _services = new(() => provider.GetServices<QueryService>().ToArray());

    public async Task HandleAsync(HttpContext http)
    {
        var started = ServerMetrics.Start();
        var requestId = Guid.NewGuid().ToString();
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        var signingName = SigV4CredentialScope.Parse(http.Request.Headers.Authorization.ToString())?.Service;
        QueryService? service = null;
        var action = "";
        try
        {
            var body = await RequestBody.ReadAsync(http.Request, options.MaxRequestBytes, http.RequestAborted).ConfigureAwait(false);
            var form = QueryForm.Parse(body.Span);
            var version = form["Version"];
            service = FindService(version, signingName);
            var context = await contexts.CreateAsync(http.Request, body, requestId, service?.Model.SigningName, http.RequestAborted).ConfigureAwait(false);
            action = form["Action"] ?? throw new ProtocolException("MissingAction", "The request must contain the parameter Action.");
            var found = service ?? throw new ProtocolException("InvalidAction",
                $"No query service of Berth serves version '{version}' (service '{signingName}').");
            var response = await found.InvokeAsync(action, form, context,
                request => contexts.AuthorizeAsync(http.Request, context, found.Model.SigningName, action, request, http.RequestAborted), http.RequestAborted).ConfigureAwait(false);
            await WriteAsync(http.Response, 200, response).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (ApiError.From(e, http, action, requestId, logger) is { } error)
            {
                // Without a known service, the error is in the namespace of the service the request was signed for, if any.
                var answering = service ?? _services.Value.FirstOrDefault(s => s.Model.SigningName == signingName) ?? _services.Value[0];
                await WriteAsync(http.Response, error.HttpStatus, answering.WriteError(error, requestId)).ConfigureAwait(false);
            }
        }
        finally
        {
            ServerMetrics.RecordRequest("query", action, http.Response.StatusCode, started);
        }
    }

    /// <summary>The service of the version, or without one of the signing name; the signing name also tells apart two services of one version.</summary>
    private QueryService? FindService(string? version, string? signingName)
    {
        var candidates = _services.Value.Where(s => version is null || s.Model.ApiVersion == version).ToList();
        return candidates.FirstOrDefault(s => s.Model.SigningName == signingName)
            ?? (version is not null && candidates.Count == 1 ? candidates[0] : null);
    }

    private static async Task WriteAsync(HttpResponse response, int status, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = XmlContentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body).ConfigureAwait(false);
    }
}
