namespace Berth.Core.Errors;

/// <summary>
/// An error whose wire name (<c>__type</c>) is its class name, as in the models of ECS, CloudWatch Logs and
/// CloudWatch, so each is a small subclass that handlers throw.
/// </summary>
public abstract class EcsException(string message) : AwsServiceException(message)
{
    public override string ErrorCode => GetType().Name;
}

public sealed class ClientException(string message) : EcsException(message);

public sealed class InvalidParameterException(string message) : EcsException(message);

public sealed class ClusterNotFoundException(string message = "Cluster not found.") : EcsException(message);

/// <summary>UpdateContainerAgent's answer when the agent cannot be updated from the control plane.</summary>
public sealed class NoUpdateAvailableException(string message) : EcsException(message);

/// <summary>ListServicesByNamespace's answer for a Cloud Map namespace that does not exist.</summary>
public sealed class NamespaceNotFoundException(string message = "The specified namespace wasn't found.") : EcsException(message);

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

/// <summary>The service's fault (HTTP 500); also how every protocol answers an exception no handler meant to throw.</summary>
public sealed class ServerException(string message) : EcsException(message)
{
    public override int HttpStatus => 500;
}

public sealed class TargetNotFoundException(string message) : EcsException(message);

public sealed class ServiceNotFoundException(string message = "Service not found.") : EcsException(message);

/// <summary>StopServiceDeployment's and ContinueServiceDeployment's answer for a service deployment ARN that names none.</summary>
public sealed class ServiceDeploymentNotFoundException(string message = "The service deployment does not exist.") : EcsException(message);

/// <summary>UpdateTaskSet's, DeleteTaskSet's and UpdateServicePrimaryTaskSet's answer for a task set the service does not have.</summary>
public sealed class TaskSetNotFoundException(
    string message = "The specified task set wasn't found. You can view your available task sets with DescribeTaskSets. Task sets are specific to each cluster, service and Region.")
    : EcsException(message);

public sealed class ServiceNotActiveException(string message = "Service was not ACTIVE.") : EcsException(message);

/// <summary>RunTask's refusal of a client token already used for a different request; names the tasks the token holds.</summary>
public sealed class ConflictException(string message, IReadOnlyList<string> resourceIds) : EcsException(message)
{
    public override IReadOnlyList<string>? ResourceIds { get; } = resourceIds;
}

/// <summary>
/// ExecuteCommand's answer when the task's agent cannot be reached; ECS words it "The execute command failed due to an
/// internal error. Try again later." whatever the cause.
/// </summary>
public sealed class TargetNotConnectedException(string message = "The execute command failed due to an internal error. Try again later.")
    : EcsException(message);
