using Berth.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Protocol;

/// <summary>
/// An error answer before a protocol writes it: every endpoint (AWS JSON, RPC v2 CBOR, query) classifies
/// exceptions here, so handlers throw the same errors whatever the wire format.
/// </summary>
public sealed record ApiError(int HttpStatus, string Code, string Message, string? QueryCode = null)
{
    /// <summary>The error shape's <c>resourceIds</c>, when it has one (<see cref="EcsException.ResourceIds"/>).</summary>
    public IReadOnlyList<string>? ResourceIds { get; init; }

    /// <summary>Who is at fault, as the query protocol's <c>Type</c> and <c>x-amzn-query-error</c> say it.</summary>
    public string Fault => HttpStatus >= 500 ? "Receiver" : "Sender";

    /// <summary>The error to answer with, or null when the client went away and nobody is listening.</summary>
    public static ApiError? From(Exception exception, HttpContext http, string operation, string requestId, ILogger logger)
    {
        switch (exception)
        {
            case EcsException e:
                if (e.HttpStatus >= 500)
                {
                    ApiFaultLog.Fault(logger, e, operation, requestId);
                }
                return new ApiError(e.HttpStatus, e.ErrorCode, e.Message, e.QueryErrorCode) { ResourceIds = e.ResourceIds };
            case ProtocolException e:
                return new ApiError(e.HttpStatus, e.ErrorCode, e.Message);
            case OperationCanceledException when http.RequestAborted.IsCancellationRequested:
                return null;
            default:
                ApiFaultLog.Fault(logger, exception, operation, requestId);
                return new ApiError(500, "ServerException", $"Internal error; request id {requestId}.");
        }
    }

}

internal static partial class ApiFaultLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Operation} ({RequestId}) failed")]
    public static partial void Fault(ILogger logger, Exception exception, string operation, string requestId);
}
