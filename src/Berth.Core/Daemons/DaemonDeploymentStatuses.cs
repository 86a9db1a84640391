namespace Berth.Core.Daemons;

/// <summary>The model's DaemonDeploymentStatus values and DaemonDeploymentRollbackMonitorsStatus values Berth uses.</summary>
public static class DaemonDeploymentStatuses
{
    public const string Pending = "PENDING";
    public const string InProgress = "IN_PROGRESS";
    public const string Successful = "SUCCESSFUL";
    public const string Stopped = "STOPPED";
    public const string RollbackInProgress = "ROLLBACK_IN_PROGRESS";
    public const string RollbackSuccessful = "ROLLBACK_SUCCESSFUL";

    public const string Monitoring = "MONITORING";
    public const string MonitoringComplete = "MONITORING_COMPLETE";
    public const string Triggered = "TRIGGERED";
    public const string Disabled = "DISABLED";

    /// <summary>A deployment the planner still moves: it has not reached a final status.</summary>
    public static bool IsRunning(string? status) => status is Pending or InProgress or RollbackInProgress;
}
