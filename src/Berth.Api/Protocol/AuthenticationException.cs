using Berth.Core.Errors;
using Berth.Core.Identity.Signing;

namespace Berth.Api.Protocol;

/// <summary>
/// A request refused before any service sees it: its signature is missing, malformed or wrong, or its key unknown
/// or expired. The codes are AWS's common errors, which the JSON and query protocols spell differently.
/// </summary>
internal sealed class AuthenticationException(SigV4Failure failure) : AwsServiceException(failure.Message)
{
    public override string ErrorCode => failure.JsonCode;

    public override string? QueryErrorCode => failure.QueryCode;

    public override int HttpStatus => failure.StatusCode;
}
