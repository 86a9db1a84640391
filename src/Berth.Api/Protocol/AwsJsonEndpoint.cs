using Berth.Core.Arns;
using Berth.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Protocol;

/// <summary>
/// The AWS JSON 1.1 edge: <c>POST /</c> with <c>X-Amz-Target: {prefix}.{Operation}</c>. The only place
/// that turns exceptions into error responses (<c>{"__type": …, "message": …}</c>), so handlers just throw.
/// </summary>
public sealed partial class AwsJsonEndpoint(
    IEnumerable<JsonService> services, ApiOptions options, TimeProvider time, ILogger<AwsJsonEndpoint> logger)
{
    private readonly Dictionary<string, JsonService> _services = services.ToDictionary(s => s.TargetPrefix, StringComparer.Ordinal);

    public async Task HandleAsync(HttpContext http)
    {
        var requestId = Guid.NewGuid().ToString();
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        var target = http.Request.Headers["X-Amz-Target"].ToString();
        try
        {
            var operation = FindOperation(target);
            var body = await RequestBody.ReadAsync(http.Request, options.MaxRequestBytes, http.RequestAborted).ConfigureAwait(false);
            var context = RequestContext.From(http.Request, options, requestId, time);
            var response = await operation.InvokeAsync(body, context, http.RequestAborted).ConfigureAwait(false);
            await JsonResponses.WriteAsync(http.Response, 200, response).ConfigureAwait(false);
        }
        catch (EcsException e)
        {
            if (e.HttpStatus >= 500)
            {
                LogFault(logger, e, target, requestId);
            }
            await JsonResponses.WriteErrorAsync(http.Response, e.HttpStatus, e.ErrorCode, e.Message).ConfigureAwait(false);
        }
        catch (ProtocolException e)
        {
            await JsonResponses.WriteErrorAsync(http.Response, e.HttpStatus, e.ErrorCode, e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception e)
        {
            LogFault(logger, e, target, requestId);
            await JsonResponses.WriteErrorAsync(http.Response, 500, "ServerException", $"Internal error; request id {requestId}.").ConfigureAwait(false);
        }
    }

    private IJsonOperation FindOperation(string target)
    {
        var dot = target.LastIndexOf('.');
        if (dot <= 0)
        {
            throw ProtocolException.MissingTarget();
        }
        return _services.TryGetValue(target[..dot], out var service) && service.Find(target[(dot + 1)..]) is { } operation
            ? operation
            : throw ProtocolException.UnknownOperation(target);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Target} ({RequestId}) failed")]
    private static partial void LogFault(ILogger logger, Exception exception, string target, string requestId);
}
