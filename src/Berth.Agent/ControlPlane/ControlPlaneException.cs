namespace Berth.Agent.ControlPlane;

/// <summary>The control plane answered, but not with a success: an ECS error (<c>__type</c>) and its HTTP status.</summary>
internal sealed class ControlPlaneException(int httpStatus, string errorCode, string message) : Exception(message)
{
    public int HttpStatus { get; } = httpStatus;
    public string ErrorCode { get; } = errorCode;

    /// <summary>Server faults and throttling are worth retrying; a refusal of the request itself is not.</summary>
    public bool IsRetryable => HttpStatus is >= 500 or 408 or 429 || ErrorCode is "ThrottlingException";
}
