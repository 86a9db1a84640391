using Berth.Core.Errors;

namespace Berth.Core.AutoScaling;

// Application Auto Scaling's modeled errors that no other service of Berth shares by name. ValidationException,
// LimitExceededException, InvalidNextTokenException and ResourceNotFoundException are the shared ones in Berth.Core.Errors.

/// <summary>A scalable target, policy or scheduled action the request names does not exist.</summary>
public sealed class ObjectNotFoundException(string message) : EcsException(message);

public sealed class TooManyTagsException(string message) : EcsException(message);
