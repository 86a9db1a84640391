using Berth.Core.Ecs;
using Berth.Core.Tasks;

namespace Berth.Core.Services;

/// <summary>
/// One planning round's view of a service, shared by the REPLICA and DAEMON schedulers: the deployments after
/// circuit-breaker decisions, the desired count, the bounds, and lookups over tasks and instances.
/// </summary>
internal sealed class SchedulingContext
{
    private readonly Dictionary<string, string> _instanceStatus;

    public SchedulingContext(
        Service service, IReadOnlyList<Deployment> deployments, IReadOnlyList<ServiceTask> tasks,
        IReadOnlyList<ServiceInstance> instances, int desiredCount, bool startsAllowed, DateTimeOffset now)
    {
        Service = service;
        Deployments = deployments;
        Primary = deployments.Count > 0 ? deployments[0] : null;
        Tasks = tasks;
        Instances = instances;
        DesiredCount = desiredCount;
        Now = now;
        GracePeriod = TimeSpan.FromSeconds(Math.Max(0, service.HealthCheckGracePeriodSeconds ?? 0));
        Bounds = DeploymentBounds.For(desiredCount, service.DeploymentConfiguration, service.SchedulingStrategy);
        _instanceStatus = instances
            .GroupBy(i => i.ContainerInstanceArn, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Status, StringComparer.Ordinal);
        // A FAILED deployment "doesn't launch any new tasks" (ECS API reference, Deployment.rolloutState).
        PrimaryLaunches = Primary is not null && Primary.RolloutState != RolloutStates.Failed;
        StartsAllowed = startsAllowed && PrimaryLaunches;
    }

    public Service Service { get; }
    public IReadOnlyList<Deployment> Deployments { get; }
    public Deployment? Primary { get; }
    public IReadOnlyList<ServiceTask> Tasks { get; }
    public IReadOnlyList<ServiceInstance> Instances { get; }
    public int DesiredCount { get; }
    public DateTimeOffset Now { get; }
    public TimeSpan GracePeriod { get; }
    public DeploymentBounds Bounds { get; }

    /// <summary>
    /// A blue/green, linear or canary shift holds the older deployments (blue) until CLEAN_UP: they are not drained, and
    /// the PRIMARY (green) starts its full desired count beside them whatever maximumPercent allows.
    /// </summary>
    public bool HoldsOldDeployments { get; init; }

    /// <summary>Scale-in keeps the zones balanced: the service has Availability Zone rebalancing (<see cref="AzRebalancing"/>).</summary>
    public bool BalancesZones { get; init; }

    /// <summary>The PRIMARY may grow (it is not FAILED); its old deployments may therefore be drained.</summary>
    public bool PrimaryLaunches { get; }

    /// <summary>Starting tasks now is allowed: the PRIMARY launches and the restart throttle's window is open.</summary>
    public bool StartsAllowed { get; }

    public string ServiceName => Service.ServiceName ?? "";

    public bool IsPrimary(ServiceTask task) => Primary is not null && task.DeploymentId == Primary.Id;

    public bool IsHealthy(ServiceTask task) => ServiceTaskState.IsHealthy(task, Now);

    public bool IsStartingBehindLoadBalancer(ServiceTask task) => ServiceTaskState.IsStartingBehindLoadBalancer(task, Now);

    public bool IsUnhealthy(ServiceTask task) => ServiceTaskState.IsUnhealthy(task, Now, GracePeriod);

    public bool IsProtected(ServiceTask task) => TaskProtection.IsProtected(task.ProtectedUntil, Now);

    public string? InstanceStatus(string? containerInstanceArn) =>
        containerInstanceArn is not null && _instanceStatus.TryGetValue(containerInstanceArn, out var status) ? status : null;

    public bool IsOnDrainingInstance(ServiceTask task) => InstanceStatus(task.ContainerInstanceArn) == InstanceStatuses.Draining;

    /// <summary>
    /// The reason ECS gives tasks the scheduler stops to scale in, replace or drain, naming the task's deployment:
    /// "Scaling activity initiated by (deployment ecs-svc/…)".
    /// </summary>
    public static string ScalingReason(ServiceTask task) => $"Scaling activity initiated by (deployment {task.DeploymentId})";
}
