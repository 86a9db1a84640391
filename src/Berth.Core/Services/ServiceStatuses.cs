namespace Berth.Core.Services;

/// <summary>
/// Service status: DeleteService moves ACTIVE to DRAINING while tasks remain, then INACTIVE once they are gone
/// (ECS API reference, DeleteService).
/// </summary>
public static class ServiceStatuses
{
    public const string Active = "ACTIVE";
    public const string Draining = "DRAINING";
    public const string Inactive = "INACTIVE";
}

/// <summary>
/// Deployment status: PRIMARY is the most recent deployment, ACTIVE still has tasks being replaced by the PRIMARY,
/// INACTIVE has been completely replaced (ECS API reference, Deployment.status).
/// </summary>
public static class DeploymentStatuses
{
    public const string Primary = "PRIMARY";
    public const string Active = "ACTIVE";
    public const string Inactive = "INACTIVE";
}

/// <summary>Deployment.rolloutState: IN_PROGRESS until steady, then COMPLETED; FAILED when the circuit breaker trips.</summary>
internal static class RolloutStates
{
    public const string InProgress = "IN_PROGRESS";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
}

public static class SchedulingStrategies
{
    public const string Replica = "REPLICA";
    public const string Daemon = "DAEMON";
}

/// <summary>Container instance statuses the service scheduler acts on.</summary>
internal static class InstanceStatuses
{
    public const string Active = "ACTIVE";
    public const string Draining = "DRAINING";
}
