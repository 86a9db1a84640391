namespace Berth.Core.Errors;

/// <summary>
/// An error ECS defines in its model. The wire name (<c>__type</c>) is the class name, so each ECS error
/// is a small subclass and handlers throw them; the protocol layer is the one place that turns them into
/// HTTP 400 responses.
/// </summary>
public abstract class EcsException(string message) : Exception(message)
{
    public string ErrorCode => GetType().Name;

    /// <summary>ServerException is the only one that is the service's fault (HTTP 500).</summary>
    public virtual int HttpStatus => 400;

    /// <summary>
    /// The error's code in the query protocol, for services that were query services first (CloudWatch):
    /// their JSON and CBOR answers carry it in <c>x-amzn-query-error</c> so SDKs raise the modeled error.
    /// Null for services that never spoke query (ECS).
    /// </summary>
    public virtual string? QueryErrorCode => null;

    /// <summary>The <c>resourceIds</c> member some ECS errors carry beside the message (ConflictException's); null for most.</summary>
    public virtual IReadOnlyList<string>? ResourceIds => null;
}

public sealed class ClientException(string message) : EcsException(message);

public sealed class InvalidParameterException(string message) : EcsException(message);

public sealed class ClusterNotFoundException(string message = "Cluster not found.") : EcsException(message);

public sealed class ClusterContainsServicesException()
    : EcsException("The Cluster cannot be deleted while Services are active.");

public sealed class ClusterContainsTasksException()
    : EcsException("The Cluster cannot be deleted while Tasks are active.");

public sealed class ClusterContainsContainerInstancesException()
    : EcsException("The Cluster cannot be deleted while Container Instances are active or draining.");

public sealed class ResourceNotFoundException(string message) : EcsException(message);

public sealed class ResourceInUseException(string message = "The specified capacity provider is in use and cannot be removed.")
    : EcsException(message);

public sealed class LimitExceededException(string message) : EcsException(message);

public sealed class UnsupportedFeatureException(string message) : EcsException(message);

public sealed class ServerException(string message) : EcsException(message)
{
    public override int HttpStatus => 500;
}

public sealed class TargetNotFoundException(string message) : EcsException(message);

public sealed class ServiceNotFoundException(string message = "Service not found.") : EcsException(message);

public sealed class ServiceNotActiveException(string message = "Service was not ACTIVE.") : EcsException(message);

/// <summary>RunTask's refusal of a client token already used for a different request; names the tasks the token holds.</summary>
public sealed class ConflictException(string message, IReadOnlyList<string> resourceIds) : EcsException(message)
{
    public override IReadOnlyList<string>? ResourceIds { get; } = resourceIds;
}
