namespace Berth.Agent.ControlPlane;

/// <summary>The control plane answered, but not with a success: an ECS error (<c>__type</c>) and its HTTP status.</summary>
/// <param name="serverMessage">The error's message as the server gave it, when <paramref name="message"/> adds to it.</param>
internal sealed class ControlPlaneException(int httpStatus, string errorCode, string message, string? serverMessage = null) : Exception(message)
{
    public int HttpStatus { get; } = httpStatus;
    public string ErrorCode { get; } = errorCode;

    /// <summary>The server's own words (an AccessDeniedException's), to quote in a task's stopped reason.</summary>
    public string ServerMessage { get; } = serverMessage ?? message;

    /// <summary>Server faults and throttling are worth retrying; a refusal of the request itself is not.</summary>
    public bool IsRetryable => HttpStatus is >= 500 or 408 or 429 || ErrorCode is "ThrottlingException";
}
