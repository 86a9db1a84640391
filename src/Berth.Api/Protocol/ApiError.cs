using Berth.Core.Errors;
using Berth.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Protocol;

/// <summary>
/// An error answer before a protocol writes it: every endpoint (AWS JSON, RPC v2 CBOR, query) classifies
/// exceptions here, so handlers throw the same errors whatever the wire format.
/// </summary>
internal sealed record ApiError(int HttpStatus, string Code, string Message, string? QueryCode = null)
{
    /// <summary>The error shape's <c>resourceIds</c>, when it has one (<see cref="AwsServiceException.ResourceIds"/>).</summary>
    public IReadOnlyList<string>? ResourceIds { get; init; }

    /// <summary>Who is at fault, as the query protocol's <c>Type</c> and <c>x-amzn-query-error</c> say it.</summary>
    public string Fault => HttpStatus >= 500 ? "Receiver" : "Sender";

    /// <summary>
    /// The error to answer with, or null when the client went away and nobody is listening. Anything but an
    /// <see cref="AwsServiceException"/> is a bug, answered as a <see cref="ServerException"/> and logged.
    /// </summary>
    public static ApiError? From(Exception exception, HttpContext http, string operation, string requestId, ILogger logger)
    {
        switch (exception)
        {
            case OperationCanceledException when http.RequestAborted.IsCancellationRequested:
                return null;
            case AwsServiceException e:
                if (e.HttpStatus >= 500)
                {
                    ApiFaultLog.Fault(logger, e, operation, requestId);
                }
                return Of(e);
            case StoreUnavailableException e:
                // Not a bug but the storage: the message says what the operator must fix, and 503 tells SDKs to retry.
                ApiFaultLog.StoreUnavailable(logger, operation, requestId, e.Message);
                return new ApiError(503, "ServiceUnavailableException", e.Message);
            default:
                ApiFaultLog.Fault(logger, exception, operation, requestId);
                return Of(new ServerException($"Internal error; request id {requestId}."));
        }
    }

    /// <summary>The error as a JSON or CBOR edge answers it: without the query code unless the service is query-compatible.</summary>
    public ApiError ForJson(bool queryCompatible) => queryCompatible ? this : this with { QueryCode = null };

    private static ApiError Of(AwsServiceException e) =>
        new(e.HttpStatus, e.ErrorCode, e.Message, e.QueryErrorCode) { ResourceIds = e.ResourceIds };
}

internal static partial class ApiFaultLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Operation} ({RequestId}) failed")]
    public static partial void Fault(ILogger logger, Exception exception, string operation, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {Operation} ({RequestId}) failed: {Reason}")]
    public static partial void StoreUnavailable(ILogger logger, string operation, string requestId, string reason);
}
