using Berth.Core.Errors;

namespace Berth.Api.Protocol;

/// <summary>
/// A request its caller's policies do not allow: AccessDeniedException in JSON and CBOR, AccessDenied in query,
/// HTTP 403, with IAM's message naming the principal, the action and the resource.
/// </summary>
internal sealed class AccessDeniedException(string message) : AwsServiceException(message)
{
    public override string ErrorCode => "AccessDeniedException";

    public override string? QueryErrorCode => "AccessDenied";

    public override int HttpStatus => 403;
}
