namespace Berth.Core.Errors;

// Errors of the CloudWatch Logs model that ECS's does not share (ResourceNotFoundException,
// InvalidParameterException and LimitExceededException have the same wire names in both).

public sealed class ResourceAlreadyExistsException(string message) : EcsException(message);

/// <summary>The messages CloudWatch Logs answers for missing and duplicate groups and streams.</summary>
public static class LogsErrors
{
    public static ResourceNotFoundException GroupNotFound() => new("The specified log group does not exist.");

    public static ResourceNotFoundException StreamNotFound() => new("The specified log stream does not exist.");

    public static ResourceAlreadyExistsException GroupExists() => new("The specified log group already exists");

    public static ResourceAlreadyExistsException StreamExists() => new("The specified log stream already exists");
}
