namespace Berth.Core.Errors;

/// <summary>
/// An error of a query-protocol service (ELBv2, IAM, STS). Unlike ECS's, their wire code is not the shape
/// name (<c>LoadBalancerNotFoundException</c> answers <c>LoadBalancerNotFound</c>), so it is carried here;
/// eng/generate-shapes.py emits one subclass per modelled error with the model's code and status.
/// </summary>
public abstract class QueryServiceException(string code, string message, int httpStatus = 400) : AwsServiceException(message)
{
    public override string ErrorCode { get; } = code;

    public override int HttpStatus { get; } = httpStatus;
}

/// <summary>
/// A request that breaks the API's parameter rules. Query services answer these with the code
/// <c>ValidationError</c>, which their models do not list because every operation can return it.
/// </summary>
public sealed class QueryValidationException(string message) : QueryServiceException("ValidationError", message);

/// <summary>An operation or option the service defines and Berth does not implement (yet): never a silent success.</summary>
public sealed class QueryUnsupportedException(string message) : QueryServiceException("UnsupportedFeature", message);

/// <summary>The caller may not do this (IAM's and STS's <c>AccessDenied</c>, HTTP 403).</summary>
public sealed class QueryAccessDeniedException(string message) : QueryServiceException("AccessDenied", message, 403);
