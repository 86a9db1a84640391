namespace Berth.Core.Daemons;

/// <summary>A container instance of one of the daemon's capacity providers (its Auto Scaling group).</summary>
public sealed record DaemonInstance(string ContainerInstanceArn, string Status, bool AgentConnected, string CapacityProviderArn);

/// <summary>A task the daemon started; <c>RevisionArn</c> is the daemon revision it runs (its startedBy).</summary>
public sealed record DaemonTask(
    string TaskArn, string RevisionArn, string LastStatus, string DesiredStatus, string? ContainerInstanceArn, DateTimeOffset CreatedAt, string? StopCode);

/// <summary>
/// What one round of the daemon scheduler reads: the daemon, its latest deployment, the instances of the capacity
/// providers of the revision it runs, its tasks (stopped ones too, for the circuit breaker), the capacity providers of
/// the revisions the deployment names, and which of the deployment's alarms are in ALARM.
/// </summary>
public sealed record DaemonSnapshot(
    DaemonRecord Daemon,
    DaemonDeploymentRecord Deployment,
    IReadOnlyList<DaemonInstance> Instances,
    IReadOnlyList<DaemonTask> Tasks,
    IReadOnlyDictionary<string, IReadOnlyList<string>> RevisionCapacityProviders,
    IReadOnlySet<string> AlarmsInAlarm);

/// <summary>Start one task of <c>RevisionArn</c> on the instance, through its capacity provider.</summary>
public sealed record DaemonStart(string ContainerInstanceArn, string CapacityProviderArn, string RevisionArn);

public sealed record DaemonStop(string TaskArn, string Reason);

/// <summary>
/// A round's decision: the daemon and deployment as they now are, the tasks to start and stop, and whether a deletion
/// is finished (the daemon's records go).
/// </summary>
public sealed record DaemonPlan(
    DaemonRecord Daemon, DaemonDeploymentRecord Deployment, IReadOnlyList<DaemonStart> Starts, IReadOnlyList<DaemonStop> Stops, bool Deleted);
