using Berth.Core.Ecs;
using Berth.Core.Services;
using Berth.Core.Tasks;

namespace Berth.Core.Tests.Services;

/// <summary>Small builders for service snapshots, so each test states only what it is about.</summary>
internal static class ServiceFixture
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset LongAgo = T0.AddHours(-1);

    public const string ServiceArn = "arn:aws:ecs:us-east-1:123456789012:service/default/web";
    public const string TaskDefV1 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1";
    public const string TaskDefV2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2";
    public const string DepOld = "ecs-svc/1111111111111111111";
    public const string DepNew = "ecs-svc/2222222222222222222";

    public static string TaskArn(string id) => $"arn:aws:ecs:us-east-1:123456789012:task/default/{id}";

    public static string InstanceArn(string id) => $"arn:aws:ecs:us-east-1:123456789012:container-instance/default/{id}";

    public static Deployment Deployment(
        string id, string taskDefinition = TaskDefV1, string status = DeploymentStatuses.Primary,
        string rollout = RolloutStates.Completed, int failedTasks = 0) => new()
        {
            Id = id,
            Status = status,
            TaskDefinition = taskDefinition,
            DesiredCount = 0,
            RunningCount = 0,
            PendingCount = 0,
            FailedTasks = failedTasks,
            CreatedAt = LongAgo,
            UpdatedAt = LongAgo,
            RolloutState = rollout,
            RolloutStateReason = rollout == RolloutStates.Completed ? ServiceRules.CompletedReason(id) : ServiceRules.InProgressReason(id),
        };

    public static Deployment NewPrimary(string taskDefinition = TaskDefV2) =>
        Deployment(DepNew, taskDefinition, rollout: RolloutStates.InProgress);

    public static Deployment OldActive(string taskDefinition = TaskDefV1) =>
        Deployment(DepOld, taskDefinition, DeploymentStatuses.Active);

    public static Service Replica(int desired, params Deployment[] deployments) => new()
    {
        ServiceArn = ServiceArn,
        ServiceName = "web",
        ClusterArn = "arn:aws:ecs:us-east-1:123456789012:cluster/default",
        Status = ServiceStatuses.Active,
        DesiredCount = desired,
        RunningCount = 0,
        PendingCount = 0,
        SchedulingStrategy = SchedulingStrategies.Replica,
        TaskDefinition = deployments.Length > 0 ? deployments[0].TaskDefinition : TaskDefV1,
        Deployments = deployments.Length > 0 ? deployments : [Deployment(DepOld)],
        Events = [],
    };

    public static Service Daemon(params Deployment[] deployments) =>
        Replica(0, deployments) with { SchedulingStrategy = SchedulingStrategies.Daemon };

    public static Service WithBounds(this Service service, int maximumPercent, int minimumHealthyPercent) =>
        service with
        {
            DeploymentConfiguration = (service.DeploymentConfiguration ?? new DeploymentConfiguration()) with
            {
                MaximumPercent = maximumPercent,
                MinimumHealthyPercent = minimumHealthyPercent,
            },
        };

    public static Service WithCircuitBreaker(this Service service, bool rollback) =>
        service with
        {
            DeploymentConfiguration = (service.DeploymentConfiguration ?? new DeploymentConfiguration()) with
            {
                DeploymentCircuitBreaker = new DeploymentCircuitBreaker { Enable = true, Rollback = rollback },
            },
        };

    public static ServiceTask Running(
        string id, string deployment = DepOld, DateTimeOffset? startedAt = null, string? instance = null,
        bool healthCheck = false, string? health = null) => new(
            TaskArn(id), deployment, TaskStatuses.Running, TaskStatuses.Running,
            healthCheck ? health ?? "HEALTHY" : "UNKNOWN", healthCheck, instance is null ? null : InstanceArn(instance),
            (startedAt ?? LongAgo).AddSeconds(-5), startedAt ?? LongAgo, null, null, null);

    public static ServiceTask Pending(string id, string deployment = DepOld, DateTimeOffset? createdAt = null, string? instance = null) => new(
        TaskArn(id), deployment, TaskStatuses.Pending, TaskStatuses.Running, "UNKNOWN", false,
        instance is null ? null : InstanceArn(instance), createdAt ?? T0.AddSeconds(-10), null, null, null, null);

    /// <summary>A task that went from PENDING straight to STOPPED, as when its image cannot be pulled.</summary>
    public static ServiceTask FailedToStart(string id, string deployment = DepOld, DateTimeOffset? stoppedAt = null) => new(
        TaskArn(id), deployment, TaskStatuses.Stopped, TaskStatuses.Stopped, "UNKNOWN", false, null,
        (stoppedAt ?? T0).AddSeconds(-20), null, stoppedAt ?? T0, "TaskFailedToStart",
        "CannotPullContainerError: pull image manifest has been retried 5 time(s)");

    /// <summary>A task whose essential container exited after it had been running.</summary>
    public static ServiceTask Exited(string id, string deployment = DepOld, DateTimeOffset? startedAt = null, DateTimeOffset? stoppedAt = null) => new(
        TaskArn(id), deployment, TaskStatuses.Stopped, TaskStatuses.Stopped, "UNKNOWN", false, null,
        (startedAt ?? LongAgo).AddSeconds(-5), startedAt ?? LongAgo, stoppedAt ?? T0, "EssentialContainerExited",
        "Essential container in task exited");

    public static ServiceTask Stopping(string id, string deployment = DepOld) =>
        Running(id, deployment) with { DesiredStatus = TaskStatuses.Stopped };

    public static ServiceInstance Instance(string id, string status = InstanceStatuses.Active, bool connected = true) =>
        new(InstanceArn(id), status, connected);

    public static ServiceSnapshot Snapshot(
        Service service, IEnumerable<ServiceTask>? tasks = null, IEnumerable<ServiceInstance>? instances = null, SchedulerState? state = null)
    {
        var list = (tasks ?? []).ToList();
        // Tasks in the snapshot were already announced unless a test says otherwise.
        return new ServiceSnapshot(
            service, list, (instances ?? []).ToList(),
            state ?? new SchedulerState { AnnouncedTasks = [.. list.Select(t => t.TaskArn)], StartFailuresDeploymentId = service.Deployments?.FirstOrDefault()?.Id });
    }

    public static ServicePlan Plan(ServiceSnapshot snapshot, DateTimeOffset? now = null) =>
        ServicePlanner.Plan(snapshot, now ?? T0);

    public static int Started(this ServicePlan plan) => plan.Starts.Sum(s => s.Count);

    public static IReadOnlyList<string> StoppedIds(this ServicePlan plan) =>
        [.. plan.Stops.Select(s => s.TaskArn[(s.TaskArn.LastIndexOf('/') + 1)..]).Order(StringComparer.Ordinal)];

    public static IReadOnlyList<string> Messages(this ServicePlan plan) =>
        [.. (plan.Service.Events ?? []).Select(e => e.Message ?? "")];

    public static Deployment Dep(this ServicePlan plan, string id) =>
        plan.Service.Deployments!.Single(d => d.Id == id);

    public static IEnumerable<ServiceTask> RunningTasks(int count, string deployment = DepOld, string prefix = "old") =>
        Enumerable.Range(1, count).Select(i => Running($"{prefix}{i}", deployment));
}
