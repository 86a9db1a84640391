namespace Berth.Core.Errors;

// Secrets Manager's modeled errors that ECS's model does not share (ResourceNotFoundException,
// InvalidParameterException and LimitExceededException have the same wire names in both).

/// <summary>The request is well formed but not valid for the secret's state (deleted, rotation…).</summary>
public sealed class InvalidRequestException(string message) : EcsException(message);

public sealed class ResourceExistsException(string message) : EcsException(message);

/// <summary>The stored value cannot be decrypted (<see cref="SealedValues"/>).</summary>
public sealed class DecryptionFailure(string message) : EcsException(message);

public sealed class InvalidNextTokenException(string message = "The NextToken value is not valid.") : EcsException(message);

/// <summary>The messages Secrets Manager answers again and again.</summary>
public static class SecretsManagerErrors
{
    public static ResourceNotFoundException SecretNotFound() => new("Secrets Manager can't find the specified secret.");

    public static InvalidRequestException MarkedForDeletion() =>
        new("You can't perform this operation on the secret because it was marked for deletion.");

    public static DecryptionFailure CannotDecrypt() =>
        new($"Secrets Manager can't decrypt the protected secret text using the provided KMS key. {SealedValues.AnotherKey}");
}
