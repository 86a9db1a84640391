using Berth.Core.Errors;

namespace Berth.Api.Protocol;

/// <summary>
/// Errors of a wire protocol itself rather than of one service: the request never reached a handler.
/// Their wire names are those AWS services return for the same faults.
/// </summary>
internal sealed class ProtocolException(string errorCode, string message, int httpStatus = 400) : AwsServiceException(message)
{
    public override string ErrorCode { get; } = errorCode;

    public override int HttpStatus { get; } = httpStatus;

    public static ProtocolException UnknownOperation(string target) =>
        new("UnknownOperationException", $"Operation '{target}' is not known to this service.");

    public static ProtocolException Serialization(string detail) =>
        new("SerializationException", $"Could not read the request body: {detail}");

    /// <summary>The body could not be read to its end; Kestrel says why and with which 4xx status.</summary>
    public static ProtocolException Unreadable(string reason, int httpStatus) =>
        new("SerializationException", $"Could not read the request body: {reason}", httpStatus);

    public static ProtocolException MissingTarget() =>
        new("MissingAction", "The X-Amz-Target header is missing or malformed.");

    public static ProtocolException TooLarge(long limit) =>
        new("RequestEntityTooLargeException", $"Request body exceeds the limit of {limit} bytes.", 413);
}
