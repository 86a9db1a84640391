namespace Berth.Core.Errors;

// SSM Parameter Store's modeled errors: the class name is the wire __type, as the model names them (without the
// Exception suffix for most). ParameterNotFound carries no message: Parameter Store answers it so.

public sealed class ParameterNotFound(string message = "") : EcsException(message);

public sealed class ParameterAlreadyExists()
    : EcsException("The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");

public sealed class ParameterVersionNotFound(string message) : EcsException(message);

/// <summary>A SecureString's key cannot decrypt it (<see cref="SealedValues"/>): the model's one error for its key.</summary>
public sealed class InvalidKeyId(string message) : EcsException(message);

public sealed class ParameterVersionLabelLimitExceeded(string message) : EcsException(message);

public sealed class ParameterMaxVersionLimitExceeded(string message) : EcsException(message);

public sealed class ParameterPatternMismatchException(string message) : EcsException(message);

public sealed class InvalidAllowedPatternException(string message) : EcsException(message);

public sealed class HierarchyLevelLimitExceededException(string message) : EcsException(message);

public sealed class UnsupportedParameterType(string message) : EcsException(message);

public sealed class InvalidFilterKey(string message) : EcsException(message);

public sealed class InvalidFilterOption(string message) : EcsException(message);

public sealed class InvalidFilterValue(string message) : EcsException(message);

public sealed class InvalidResourceType(string message = "The resource type is not valid.") : EcsException(message);

public sealed class InvalidResourceId(string message = "The resource ID is not valid. Verify that you entered the correct ID and try again.")
    : EcsException(message);

public sealed class TooManyTagsError(string message) : EcsException(message);

public sealed class InvalidPolicyTypeException(string message) : EcsException(message);

/// <summary>The request breaks a constraint of the model (a name, a length, a range): SSM's ValidationException.</summary>
public sealed class ValidationException(string message) : EcsException(message);

/// <summary>The messages Parameter Store answers again and again.</summary>
public static class SsmErrors
{
    public static InvalidKeyId CannotDecrypt(string name) => new($"The SecureString value of {name} cannot be decrypted. {SealedValues.AnotherKey}");
}
