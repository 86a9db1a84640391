using Berth.Core.Alarms;
using Berth.Core.Ecs;

namespace Berth.Core.Services;

// The contract of the pure service scheduler:
//   ServicePlanner.Plan(ServiceSnapshot, DateTimeOffset now) → ServicePlan
// A controller on the server loads the snapshot, calls the planner, launches/stops the tasks the plan asks
// for (placement is PlacementEngine's job), and commits the plan's service record with optimistic
// concurrency, re-planning on conflict. Level-triggered: correct from any snapshot, whatever was missed.

/// <summary>
/// One task the service started (tasks carry <c>startedBy = DeploymentId</c>, which is <c>ecs-svc/…</c>,
/// and <c>group = service:&lt;name&gt;</c>). Includes recently STOPPED tasks so failures can be counted.
/// </summary>
public sealed record ServiceTask(
    string TaskArn,
    string DeploymentId,
    string LastStatus,
    string DesiredStatus,
    string? HealthStatus,
    bool HasHealthCheck,
    string? ContainerInstanceArn,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? StoppedAt,
    string? StopCode,
    string? StoppedReason)
{
    /// <summary>Scale-in protection (UpdateTaskProtection) lasts until then; null when the task is not protected.</summary>
    public DateTimeOffset? ProtectedUntil { get; init; }

    /// <summary>
    /// The task as a target of each of the service's target groups (one per <c>loadBalancers</c> entry), with what
    /// ELB knows of it; empty for a service without load balancers.
    /// </summary>
    public IReadOnlyList<TaskTarget> Targets { get; init; } = [];

    /// <summary>The zone of the instance the task was placed on (EcsTask.availabilityZone), for AZ rebalancing.</summary>
    public string? AvailabilityZone { get; init; }
}

/// <summary>
/// A task as a target of one target group: the target id and port it is (or would be) registered as — the ENI's
/// private IP and the container port for awsvpc (target type ip), the container instance's instance id and the host
/// port for bridge and host (target type instance); null while the task has no address yet — and the target's health
/// as DescribeTargetHealth words it, <see cref="State"/> null when it is not registered.
/// </summary>
public sealed record TaskTarget(string TargetGroupArn, string? TargetId, int? Port, string? State, string? Reason, string? Description)
{
    public bool IsRegistered => State is not null;

    public bool HasAddress => TargetId is not null && Port is not null;
}

/// <summary>Register (or deregister) a task's target in a target group.</summary>
public sealed record TargetChange(string TargetGroupArn, string TaskArn, string TargetId, int Port);

/// <summary>
/// A container instance a DAEMON service may run on (ACTIVE status) or must leave (DRAINING). <see cref="AgentConnected"/>
/// is read only for a plan that depends on it (<see cref="ServicePlanner.ReadsAgentConnections"/>), and false otherwise.
/// </summary>
public sealed record ServiceInstance(string ContainerInstanceArn, string Status, bool AgentConnected)
{
    /// <summary>Its <c>ecs.availability-zone</c> attribute: the zones the service can be balanced across.</summary>
    public string? AvailabilityZone { get; init; }
}

/// <summary>
/// Scheduler bookkeeping that is not part of ECS's wire Service: which stopped tasks were already counted,
/// restart back-off, and when the last steady-state event was written. Stored with the service.
/// </summary>
public sealed record SchedulerState
{
    public IReadOnlyList<string> CountedStoppedTasks { get; init; } = [];
    public int ConsecutiveStartFailures { get; init; }
    public DateTimeOffset? NextStartAllowedAt { get; init; }
    public DateTimeOffset? SteadyStateReportedAt { get; init; }

    /// <summary>
    /// Tasks already named in a "has started" event (the planner learns task ids only after launch): those created at
    /// <see cref="AnnouncedThrough"/> (<see cref="StartAnnouncements"/>); in a record written before that mark existed, all of them.
    /// </summary>
    public IReadOnlyList<string> AnnouncedTasks { get; init; } = [];

    /// <summary>When the newest counted start failure stopped; a task that starts later ends the throttle.</summary>
    public DateTimeOffset? LastStartFailureAt { get; init; }

    /// <summary>The PRIMARY deployment the start failures belong to: a new deployment starts unthrottled.</summary>
    public string? StartFailuresDeploymentId { get; init; }

    /// <summary>When "is unable to consistently start tasks successfully" was last written.</summary>
    public DateTimeOffset? ThrottleReportedAt { get; init; }

    /// <summary>
    /// For a service that redeploys on secret changes: the versions its secrets selected when last looked at, so a new
    /// version is acted on once, whichever server (or restart) sees it; null for other services.
    /// </summary>
    public SecretVersionWatch? SecretVersions { get; init; }

    /// <summary>
    /// The service deployment and service revision each live deployment belongs to (<see cref="ServiceHistory"/>);
    /// a rollback deployment belongs to the service deployment it rolls back and deploys the revision it returns to.
    /// </summary>
    public IReadOnlyList<DeploymentLink> Links { get; init; } = [];

    /// <summary>The BLUE_GREEN, LINEAR or CANARY deployment under way (or being abandoned), null when none is.</summary>
    public TrafficShiftState? Shift { get; init; }

    /// <summary>
    /// Which target groups each live deployment's tasks register in: the load balancers' targetGroupArn or their
    /// advancedConfiguration.alternateTargetGroupArn. Decided once per deployment, so a task never changes group.
    /// </summary>
    public IReadOnlyList<DeploymentSide> Sides { get; init; } = [];

    /// <summary>
    /// Production traffic is served by the alternate target groups: after each completed blue/green deployment the
    /// groups swap roles, as in ECS, so the next green starts in the groups the last blue used.
    /// </summary>
    public bool ProductionOnAlternate { get; init; }

    /// <summary>CreateTaskSet's client tokens, each with the task set it created, so a retried request returns that one.</summary>
    public IReadOnlyList<TaskSetToken> TaskSetTokens { get; init; } = [];

    /// <summary>
    /// The rolling deployment whose tasks are steady while its deployment alarms bake (<see cref="DeploymentAlarmWatch"/>),
    /// null when none is baking.
    /// </summary>
    public AlarmBake? AlarmBake { get; init; }

    /// <summary>The live deployments its deployment alarms failed, each with the alarms that were in ALARM.</summary>
    public IReadOnlyList<AlarmTrigger> AlarmTriggers { get; init; } = [];

    /// <summary>The Availability Zone rebalancing under way (<see cref="AzRebalancing"/>), null when none is.</summary>
    public AzRebalance? Rebalance { get; init; }

    /// <summary>The newest <c>createdAt</c> of the tasks announced: every task created before it was (<see cref="StartAnnouncements"/>).</summary>
    public DateTimeOffset? AnnouncedThrough { get; init; }
}

/// <summary>A rolling deployment steady since <see cref="SteadySince"/>, completing once its alarms' bake time has passed.</summary>
public sealed record AlarmBake(string DeploymentId, DateTimeOffset SteadySince);

/// <summary>A deployment its deployment alarms failed, with the alarms that were in ALARM (ServiceDeployment.alarms.triggeredAlarmNames).</summary>
public sealed record AlarmTrigger(string DeploymentId, IReadOnlyList<string> AlarmNames);

/// <summary>A CreateTaskSet clientToken and the task set (<c>ecs-svc/…</c>) the request that carried it created.</summary>
public sealed record TaskSetToken(string ClientToken, string TaskSetId);

/// <summary>A deployment whose tasks register in the alternate target groups (<see cref="Alternate"/>) or the primary ones.</summary>
public sealed record DeploymentSide(string DeploymentId, bool Alternate);

/// <summary>A deployment (<c>ecs-svc/…</c>) with the service deployment it runs for and the service revision it deploys.</summary>
public sealed record DeploymentLink(string DeploymentId, string ServiceDeploymentArn, string ServiceRevisionArn);

/// <summary>
/// The version each <c>valueFrom</c> of a task definition selected when last looked at: a parameter's version number,
/// a secret's version id. A valueFrom that selected nothing (a deleted parameter) is absent.
/// </summary>
public sealed record SecretVersionWatch(string TaskDefinitionArn, IReadOnlyDictionary<string, string> Versions);

/// <summary>
/// Everything the planner reads: the service as stored (wire Service with deployments — PRIMARY first —,
/// deploymentConfiguration, desiredCount, schedulingStrategy, healthCheckGracePeriodSeconds, events),
/// its tasks, the cluster's instances (for DAEMON and draining), and the bookkeeping.
/// </summary>
public sealed record ServiceSnapshot(
    Service Service,
    IReadOnlyList<ServiceTask> Tasks,
    IReadOnlyList<ServiceInstance> Instances,
    SchedulerState Scheduler)
{
    /// <summary>The alarms of <c>deploymentConfiguration.alarms</c>, read while a deployment watches them.</summary>
    public DeploymentAlarmStates Alarms { get; init; } = DeploymentAlarmStates.None;
}

/// <summary>Start <see cref="Count"/> tasks of a deployment; for DAEMON services, on one named instance.</summary>
public sealed record TaskStart(string DeploymentId, string TaskDefinitionArn, int Count, string? ContainerInstanceArn)
{
    /// <summary>The zone the tasks must be placed in (an AZ rebalancing start); null for anywhere.</summary>
    public string? AvailabilityZone { get; init; }
}

/// <summary>Stop a task, with the stoppedReason ECS would give (e.g. scaling in, deployment replaced it, unhealthy).</summary>
public sealed record TaskStop(string TaskArn, string Reason);

/// <summary>
/// The planner's decision: the service record to commit (deployments with counts, status, rolloutState and
/// rolloutStateReason; new events prepended, at most 100; status DRAINING → INACTIVE when done), the new
/// bookkeeping, and the tasks to start and stop. A task behind a load balancer is not stopped at once: it is
/// deactivated (its targets deregistered, lastStatus DEACTIVATING) and stopped once its targets finished draining.
/// </summary>
public sealed record ServicePlan(
    Service Service,
    SchedulerState Scheduler,
    IReadOnlyList<TaskStart> Starts,
    IReadOnlyList<TaskStop> Stops)
{
    /// <summary>RUNNING tasks to move to DEACTIVATING, after their targets in <see cref="Deregistrations"/> are deregistered.</summary>
    public IReadOnlyList<TaskStop> Deactivations { get; init; } = [];

    /// <summary>Targets of RUNNING tasks to register.</summary>
    public IReadOnlyList<TargetChange> Registrations { get; init; } = [];

    /// <summary>Targets to deregister: of the tasks being deactivated, and of tasks that stopped while registered.</summary>
    public IReadOnlyList<TargetChange> Deregistrations { get; init; } = [];

    /// <summary>
    /// The forward actions the service's production and test listener rules must have (BLUE_GREEN, LINEAR, CANARY),
    /// applied before any target is deregistered, so traffic has left a target group before its targets drain.
    /// </summary>
    public IReadOnlyList<ListenerRuleForward> RuleForwards { get; init; } = [];
}

/// <summary>A listener rule (or a listener's default rule) that must forward to these target groups with these weights.</summary>
public sealed record ListenerRuleForward(string RuleArn, IReadOnlyList<Elb.WeightedTargetGroup> TargetGroups);
