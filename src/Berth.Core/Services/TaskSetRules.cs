using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Services;

/// <summary>
/// Task sets of a service with the EXTERNAL deployment controller (<see cref="ExternalController"/>): the pure part of
/// CreateTaskSet, UpdateTaskSet, UpdateServicePrimaryTaskSet and DeleteTaskSet. Task sets are stored in the service's
/// own <c>taskSets</c>, so every change is one guarded write of the service record, and the service scheduler
/// (<see cref="TaskSetScheduler"/>) keeps each one's <c>computedDesiredCount</c> of tasks running in the same round as
/// any other service.
/// </summary>
public static class TaskSetRules
{
    public const string Primary = "PRIMARY";
    public const string Active = "ACTIVE";
    public const string Draining = "DRAINING";
    public const string SteadyState = "STEADY_STATE";
    public const string Stabilizing = "STABILIZING";
    public const string Percent = "PERCENT";

    /// <summary>ECS service quota "Task sets per service": 5 (DRAINING ones count until they are gone).</summary>
    public const int MaxPerService = 5;

    public const string NotExternalMessage =
        "Amazon ECS only supports task set management on services configured to use external deployment controllers.";

    /// <summary>What a task set's tasks run and where, as resolved by the handler (launch type or capacity provider strategy).</summary>
    public sealed record Launch(string TaskDefinitionArn, string? LaunchType, IReadOnlyList<CapacityProviderStrategyItem>? Strategy, string? PlatformVersion);

    /// <summary>
    /// Services whose tasks run in task sets rather than deployments: EXTERNAL ones, and CODE_DEPLOY ones, which run
    /// the task set CreateService gave them (<see cref="CodeDeployController"/>).
    /// </summary>
    public static bool RunsTaskSets(Service service) => ExternalController.Is(service) || CodeDeployController.Is(service);

    /// <summary>
    /// DescribeTaskSets reads the task sets of EXTERNAL and CODE_DEPLOY services alike (CodeDeploy's hooks read a
    /// deployment's task sets this way); a service without task sets answers as <see cref="RequireExternal"/> does.
    /// </summary>
    public static void RequireTaskSets(Service service)
    {
        if (!RunsTaskSets(service))
        {
            throw new InvalidParameterException(NotExternalMessage);
        }
    }

    /// <summary>
    /// Task sets are managed only on EXTERNAL services; any other answers ECS's InvalidParameterException — a
    /// CODE_DEPLOY service's too, whose task sets only CodeDeploy's own deployments create and remove.
    /// </summary>
    public static void RequireExternal(Service service)
    {
        if (!ExternalController.Is(service))
        {
            throw new InvalidParameterException(NotExternalMessage);
        }
    }

    /// <summary>The scale as stored: a percentage from 0 to 100 (100% when none is given), unit PERCENT.</summary>
    public static Scale ScaleOf(Scale? scale)
    {
        var unit = scale?.Unit ?? Percent;
        Require.OneOf(unit, EcsEnums.ScaleUnit, "scale.unit");
        var value = scale?.Value ?? 100;
        if (double.IsNaN(value) || value < 0 || value > 100)
        {
            throw new InvalidParameterException("scale.value must be a percentage between 0 and 100.");
        }
        return new Scale { Value = value, Unit = unit };
    }

    /// <summary>
    /// "The computed desired count for the task set. This is calculated by multiplying the service's desiredCount by the
    /// task set's scale percentage. The result is always rounded up. For example, if the computed desired count is 1.2, it
    /// rounds up to 2 tasks." (ECS API reference, TaskSet). Rounded to nine places first, so 3 × 33.333333333% is 1, not 2.
    /// </summary>
    public static int ComputedDesiredCount(int serviceDesiredCount, Scale? scale)
    {
        var exact = Math.Round(Math.Max(0, serviceDesiredCount) * (scale?.Value ?? 100) / 100.0, 9);
        return (int)Math.Ceiling(exact);
    }

    /// <summary><c>arn:aws:ecs:&lt;region&gt;:&lt;account&gt;:task-set/&lt;cluster&gt;/&lt;service&gt;/ecs-svc/&lt;id&gt;</c>, beside the service's ARN.</summary>
    public static string ArnOf(Service service, string taskSetId) =>
        service.ServiceArn!.Replace(":service/", ":task-set/", StringComparison.Ordinal) + "/" + taskSetId;

    /// <summary>
    /// The ARN of the service a task set ARN belongs to (<c>task-set/&lt;cluster&gt;/&lt;service&gt;/ecs-svc/&lt;id&gt;</c> →
    /// <c>service/&lt;cluster&gt;/&lt;service&gt;</c>); null when the ARN does not have that form.
    /// </summary>
    public static string? ServiceArnOf(Arns.EcsArn taskSetArn)
    {
        var parts = taskSetArn.ResourceId.Split('/');
        return taskSetArn.ResourceType == "task-set" && parts.Length == 4 && parts.All(p => p.Length > 0)
            ? (taskSetArn with { ResourceType = "service", ResourceId = $"{parts[0]}/{parts[1]}" }).ToString()
            : null;
    }

    /// <summary>TagResource and UntagResource on a task set ARN: the service with that task set's tags changed.</summary>
    public static Service Retagged(Service service, TaskSet taskSet, Func<IReadOnlyList<Tag>?, IReadOnlyList<Tag>> change) =>
        Replace(service, taskSet with { Tags = change(taskSet.Tags) });

    /// <summary>A task set named by its id or ARN; null when the service has none such.</summary>
    public static TaskSet? Find(Service service, string idOrArn) =>
        (service.TaskSets ?? []).FirstOrDefault(s => s.Id == idOrArn || s.TaskSetArn == idOrArn);

    /// <summary>The new task set: ACTIVE (a task set becomes PRIMARY only through UpdateServicePrimaryTaskSet), STABILIZING, no tasks yet.</summary>
    public static TaskSet New(Service service, CreateTaskSetRequest request, Launch launch, string id, DateTimeOffset now)
    {
        Require.That(id.StartsWith(ServiceRules.DeploymentIdPrefix, StringComparison.Ordinal), $"Task set ids start with {ServiceRules.DeploymentIdPrefix}.");
        var scale = ScaleOf(request.Scale);
        return new TaskSet
        {
            Id = id,
            TaskSetArn = ArnOf(service, id),
            ServiceArn = service.ServiceArn,
            ClusterArn = service.ClusterArn,
            ExternalId = request.ExternalId,
            Status = Active,
            TaskDefinition = launch.TaskDefinitionArn,
            ComputedDesiredCount = ComputedDesiredCount(service.DesiredCount ?? 0, scale),
            PendingCount = 0,
            RunningCount = 0,
            CreatedAt = now,
            UpdatedAt = now,
            LaunchType = launch.LaunchType,
            CapacityProviderStrategy = launch.Strategy,
            PlatformVersion = launch.PlatformVersion,
            PlatformFamily = launch.PlatformVersion is null ? null : Capacity.FargateRules.PlatformFamily,
            NetworkConfiguration = request.NetworkConfiguration,
            LoadBalancers = request.LoadBalancers ?? [],
            ServiceRegistries = [],
            Scale = scale,
            StabilityStatus = Stabilizing,
            StabilityStatusAt = now,
            Tags = request.Tags ?? [],
        };
    }

    /// <summary>The service with one more task set, within ECS's quota.</summary>
    public static Service Added(Service service, TaskSet taskSet)
    {
        RequireLive(service);
        var existing = service.TaskSets ?? [];
        if (existing.Count >= MaxPerService)
        {
            throw new InvalidParameterException(
                $"{existing.Count} deployments exist on the service. Unable to create new TaskSet since this exceeds the maximum limit.");
        }
        return service with { TaskSets = [.. existing, taskSet] };
    }

    /// <summary>The task set an earlier CreateTaskSet with this clientToken created, while the service still has it.</summary>
    public static TaskSet? Created(Service service, SchedulerState state, string? clientToken) =>
        clientToken is null ? null
            : state.TaskSetTokens.FirstOrDefault(t => t.ClientToken == clientToken) is { } used ? Find(service, used.TaskSetId) : null;

    /// <summary>Remembers the clientToken of a new task set, forgetting the tokens of task sets the service no longer has.</summary>
    public static SchedulerState Remember(SchedulerState state, Service service, string? clientToken, string taskSetId) =>
        state with
        {
            TaskSetTokens = [.. state.TaskSetTokens.Where(t => Find(service, t.TaskSetId) is not null),
                .. clientToken is null ? [] : (TaskSetToken[])[new TaskSetToken(clientToken, taskSetId)]],
        };

    /// <summary>UpdateTaskSet: only the scale changes; computedDesiredCount follows, and the scheduler starts or stops tasks.</summary>
    public static (Service Service, TaskSet TaskSet) Rescaled(Service service, string taskSet, Scale? scale, DateTimeOffset now)
    {
        var current = Existing(service, taskSet);
        RefuseDraining(current, "updated");
        var value = ScaleOf(scale ?? throw new InvalidParameterException("scale must be specified."));
        var updated = current with
        {
            Scale = value,
            ComputedDesiredCount = ComputedDesiredCount(service.DesiredCount ?? 0, value),
            UpdatedAt = now,
        };
        return (Replace(service, updated), updated);
    }

    /// <summary>UpdateService changed the service's desiredCount: each task set's computedDesiredCount follows.</summary>
    public static Service WithComputedCounts(Service service, DateTimeOffset now) => service with
    {
        TaskSets = service.TaskSets?.Select(s => s.Status == Draining || s.ComputedDesiredCount == ComputedDesiredCount(service.DesiredCount ?? 0, s.Scale)
            ? s
            : s with { ComputedDesiredCount = ComputedDesiredCount(service.DesiredCount ?? 0, s.Scale), UpdatedAt = now }).ToList(),
    };

    /// <summary>
    /// UpdateServicePrimaryTaskSet: the task set becomes PRIMARY and the previous primary ACTIVE. As the developer guide
    /// says, DescribeServices then reports the primary's task definition, launch type or strategy, platform version,
    /// network configuration and load balancers as the service's.
    /// </summary>
    public static (Service Service, TaskSet TaskSet) WithPrimary(Service service, string taskSet, DateTimeOffset now)
    {
        var chosen = Existing(service, taskSet);
        RefuseDraining(chosen, "made primary");
        var primary = chosen.Status == Primary ? chosen : chosen with { Status = Primary, UpdatedAt = now };
        var sets = (service.TaskSets ?? []).Select(s =>
            s.Id == chosen.Id ? primary
            : s.Status == Primary ? s with { Status = Active, UpdatedAt = now }
            : s).ToList();
        var updated = service with
        {
            TaskSets = sets,
            TaskDefinition = primary.TaskDefinition,
            LaunchType = primary.LaunchType,
            CapacityProviderStrategy = primary.CapacityProviderStrategy,
            PlatformVersion = primary.PlatformVersion,
            PlatformFamily = primary.PlatformFamily,
            NetworkConfiguration = primary.NetworkConfiguration,
            LoadBalancers = primary.LoadBalancers,
        };
        return (updated, primary);
    }

    /// <summary>
    /// DeleteTaskSet: the task set goes DRAINING — its targets are deregistered and its tasks stopped — and is gone once
    /// none is left. "force: If true, you can delete a task set even if it hasn't been scaled down to zero."
    /// </summary>
    public static (Service Service, TaskSet TaskSet) Deleted(Service service, string taskSet, bool force, DateTimeOffset now)
    {
        var current = Existing(service, taskSet);
        if (current.Status == Draining)
        {
            return (service, current);
        }
        if (!force && current.Scale?.Value > 0)
        {
            throw new InvalidParameterException("The task set cannot be deleted while it is scaled above 0; scale it to 0 first or use force.");
        }
        var draining = current with { Status = Draining, ComputedDesiredCount = 0, StabilityStatus = Stabilizing, StabilityStatusAt = now, UpdatedAt = now };
        return (Replace(service, draining), draining);
    }

    /// <summary>
    /// The service as a task set's tasks are launched: the task set's task definition, launch type or capacity provider
    /// strategy, platform version, network and load balancers in place of the service's.
    /// </summary>
    public static Service LaunchViewOf(Service service, TaskSet taskSet) => service with
    {
        TaskDefinition = taskSet.TaskDefinition,
        LaunchType = taskSet.LaunchType,
        CapacityProviderStrategy = taskSet.CapacityProviderStrategy,
        PlatformVersion = taskSet.PlatformVersion,
        NetworkConfiguration = taskSet.NetworkConfiguration,
        LoadBalancers = taskSet.LoadBalancers ?? [],
    };

    /// <summary>The load balancers a service task registers behind: its task set's, or the service's for a task of a deployment.</summary>
    public static IReadOnlyList<LoadBalancer> LoadBalancersOf(Service service, string? startedBy) =>
        startedBy is not null && Find(service, startedBy) is { } taskSet ? taskSet.LoadBalancers ?? [] : service.LoadBalancers ?? [];

    /// <summary>Every target group the service's tasks may be registered in: the service's and each task set's.</summary>
    public static IReadOnlyList<LoadBalancer> AllLoadBalancers(Service service) =>
        [.. service.LoadBalancers ?? [], .. (service.TaskSets ?? []).SelectMany(s => s.LoadBalancers ?? [])];

    /// <summary>Task sets are shown with their tags only when DescribeTaskSets asks for TAGS.</summary>
    public static TaskSet WithoutTags(TaskSet taskSet) => taskSet with { Tags = null };

    private static TaskSet Existing(Service service, string taskSet)
    {
        RequireLive(service);
        return Find(service, Require.NotBlank(taskSet, "taskSet")) ?? throw new TaskSetNotFoundException();
    }

    private static void RequireLive(Service service)
    {
        RequireExternal(service);
        if (service.Status != ServiceStatuses.Active)
        {
            throw new ServiceNotActiveException();
        }
    }

    private static void RefuseDraining(TaskSet taskSet, string action)
    {
        if (taskSet.Status == Draining)
        {
            throw new InvalidParameterException($"The task set {taskSet.Id} is DRAINING and cannot be {action}.");
        }
    }

    private static Service Replace(Service service, TaskSet updated) =>
        service with { TaskSets = [.. (service.TaskSets ?? []).Select(s => s.Id == updated.Id ? updated : s)] };
}
