namespace Berth.Core.Errors;

/// <summary>
/// An error answer of any API Berth serves, whatever the protocol. Handlers and rules throw these; the protocol
/// edge is the one place that renders them: AWS JSON and RPC v2 CBOR as <c>__type</c> and <c>message</c>, the
/// query protocol as <c>&lt;ErrorResponse&gt;</c> XML. Families differ only in where their wire code comes from:
/// <see cref="EcsException"/> (the class name, as ECS, CloudWatch Logs and CloudWatch name their errors) and
/// <see cref="QueryServiceException"/> (a code the model gives, as ELBv2, IAM and STS do).
/// </summary>
public abstract class AwsServiceException(string message) : Exception(message)
{
    /// <summary>The error's name on the wire: <c>__type</c> in JSON and CBOR, <c>Code</c> in query XML.</summary>
    public abstract string ErrorCode { get; }

    /// <summary>4xx for the caller's faults; 5xx only for the service's.</summary>
    public virtual int HttpStatus => 400;

    /// <summary>
    /// The error's code in the query protocol when it differs from <see cref="ErrorCode"/>, for services that were
    /// query services first (CloudWatch): their query answers carry it, and their JSON and CBOR answers repeat it
    /// in <c>x-amzn-query-error</c> so SDKs raise the modeled error. Null for all other errors.
    /// </summary>
    public virtual string? QueryErrorCode => null;

    /// <summary>The <c>resourceIds</c> member some errors carry beside the message (ECS's ConflictException); null for most.</summary>
    public virtual IReadOnlyList<string>? ResourceIds => null;
}
