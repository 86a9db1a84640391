namespace Berth.Core.Placement;

/// <summary>
/// The <c>reason</c> strings of RunTask failures and of service "unable to place a task" events, exactly as ECS
/// returns them. The RESOURCE:*, AGENT and ATTRIBUTE reasons are listed on "Amazon ECS API failure reasons"
/// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/api_failures_messages.html); the two
/// constraint reasons are what RunTask returns in <c>failures[].reason</c> and service events quote
/// ("encountered error "MemberOf placement constraint unsatisfied."").
/// </summary>
internal static class PlacementFailureReasons
{
    /// <summary>Not enough CPU units left on the instance.</summary>
    public const string Cpu = "RESOURCE:CPU";

    /// <summary>Not enough memory left on the instance.</summary>
    public const string Memory = "RESOURCE:MEMORY";

    /// <summary>A fixed TCP host port the task needs is in use on the instance.</summary>
    public const string Ports = "RESOURCE:PORTS";

    /// <summary>A fixed UDP host port the task needs is in use on the instance.</summary>
    public const string PortsUdp = "RESOURCE:PORTS_UDP";

    /// <summary>The instance's agent is disconnected; "to prevent extended wait times for task placement, the request was rejected".</summary>
    public const string Agent = "AGENT";

    /// <summary>The task needs a container instance attribute (such as <c>ecs.capability.task-eni</c>) the instance lacks.</summary>
    public const string Attribute = "ATTRIBUTE";

    public const string MemberOf = "MemberOf placement constraint unsatisfied.";

    public const string DistinctInstance = "DistinctInstance placement constraint unsatisfied.";

    /// <summary>
    /// The cluster has no ACTIVE container instance at all. RunTask raises this as an
    /// InvalidParameterException, and the service scheduler puts it in its event ("Reason: No Container
    /// Instances were found in your cluster."); the plan carries it as a failure without an ARN.
    /// </summary>
    public const string NoContainerInstances = "No Container Instances were found in your cluster.";
}
