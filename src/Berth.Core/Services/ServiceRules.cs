using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Services;

/// <summary>
/// What CreateService and UpdateService need from the service model: deployment configuration defaults and
/// validation, scheduling-strategy rules, and the construction of a new PRIMARY deployment.
/// </summary>
public static class ServiceRules
{
    public const string DeploymentIdPrefix = "ecs-svc/";

    // ECS API reference, CreateService: replica services default to 200% / 100%; daemon services to 100% / 0%,
    // and "if you are using a daemon service type, the maximumPercent should remain at 100%".
    public const int ReplicaDefaultMaximumPercent = 200;
    public const int ReplicaDefaultMinimumHealthyPercent = 100;
    public const int DaemonMaximumPercent = 100;
    public const int DaemonDefaultMinimumHealthyPercent = 0;

    /// <summary>
    /// A deployment id as ECS writes it: <c>ecs-svc/</c> and 19 decimal digits (a positive 64-bit number).
    /// The random source is the caller's so the core stays deterministic under test.
    /// </summary>
    public static string NewDeploymentId(Random random) =>
        DeploymentIdPrefix + random.NextInt64(1_000_000_000_000_000_000, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>ECS accepts a service's name or full ARN; a name is taken to be in the given cluster.</summary>
    public static string ArnOf(ResourceScope scope, Cluster cluster, string nameOrArn)
    {
        if (!EcsArn.TryParse(nameOrArn, out var arn))
        {
            return scope.ServiceArn(cluster.ClusterName!, nameOrArn);
        }
        return arn.ResourceType == "service"
            ? arn.ToString()
            : throw new InvalidParameterException($"'{nameOrArn}' is not a service ARN.");
    }

    /// <summary>
    /// The ARN DescribeServices reports a missing service under: what was given when it is an ARN, and for a name the
    /// account's <c>service/&lt;name&gt;</c> without the cluster, as ECS reports it.
    /// </summary>
    public static string MissingArnOf(ResourceScope scope, string nameOrArn) =>
        EcsArn.TryParse(nameOrArn, out _) ? nameOrArn : $"{scope.EcsArnPrefix}:service/{nameOrArn}";

    public static string InProgressReason(string deploymentId) => $"ECS deployment {deploymentId} in progress.";

    public static string CompletedReason(string deploymentId) => $"ECS deployment {deploymentId} completed.";

    /// <summary>
    /// The new PRIMARY deployment for <paramref name="service"/> as it stands after CreateService or an
    /// UpdateService that changes what tasks run (task definition, network, capacity, force-new-deployment).
    /// It starts IN_PROGRESS with no tasks; the planner fills in the counts.
    /// </summary>
    public static Deployment NewDeployment(Service service, string deploymentId, DateTimeOffset now)
    {
        Require.That(deploymentId.StartsWith(DeploymentIdPrefix, StringComparison.Ordinal), $"Deployment ids start with {DeploymentIdPrefix}.");
        return new Deployment
        {
            Id = deploymentId,
            Status = DeploymentStatuses.Primary,
            TaskDefinition = service.TaskDefinition,
            DesiredCount = service.SchedulingStrategy == SchedulingStrategies.Daemon ? 0 : service.DesiredCount ?? 0,
            PendingCount = 0,
            RunningCount = 0,
            FailedTasks = 0,
            CreatedAt = now,
            UpdatedAt = now,
            CapacityProviderStrategy = service.CapacityProviderStrategy,
            LaunchType = service.LaunchType,
            PlatformVersion = service.PlatformVersion,
            PlatformFamily = service.PlatformFamily,
            NetworkConfiguration = service.NetworkConfiguration,
            RolloutState = RolloutStates.InProgress,
            RolloutStateReason = InProgressReason(deploymentId),
        };
    }

    /// <summary>
    /// Puts a new PRIMARY deployment first. The previous PRIMARY becomes ACTIVE and keeps its rolloutState, so a
    /// COMPLETED one stays the circuit breaker's rollback target until the new deployment completes.
    /// </summary>
    public static Service StartDeployment(Service service, string deploymentId, DateTimeOffset now)
    {
        var previous = (service.Deployments ?? [])
            .Where(d => d.Status != DeploymentStatuses.Inactive)
            .Select(d => d.Status == DeploymentStatuses.Primary ? d with { Status = DeploymentStatuses.Active, UpdatedAt = now } : d);
        return service with { Deployments = [NewDeployment(service, deploymentId, now), .. previous] };
    }

    /// <summary>The deployment configuration DescribeServices shows: the request's values over ECS's defaults.</summary>
    public static DeploymentConfiguration EffectiveDeploymentConfiguration(DeploymentConfiguration? configuration, string? schedulingStrategy)
    {
        var daemon = schedulingStrategy == SchedulingStrategies.Daemon;
        var given = configuration ?? new DeploymentConfiguration();
        return given with
        {
            MaximumPercent = given.MaximumPercent ?? (daemon ? DaemonMaximumPercent : ReplicaDefaultMaximumPercent),
            MinimumHealthyPercent = given.MinimumHealthyPercent ?? (daemon ? DaemonDefaultMinimumHealthyPercent : ReplicaDefaultMinimumHealthyPercent),
            DeploymentCircuitBreaker = given.DeploymentCircuitBreaker is { } breaker
                ? breaker with { Enable = breaker.Enable ?? false, Rollback = breaker.Rollback ?? false }
                : new DeploymentCircuitBreaker { Enable = false, Rollback = false },
        };
    }

    /// <summary>UpdateService changes only the members it is given; the rest of the configuration stays.</summary>
    public static DeploymentConfiguration? MergeDeploymentConfiguration(DeploymentConfiguration? current, DeploymentConfiguration? update)
    {
        if (update is null || current is null)
        {
            return update ?? current;
        }
        return current with
        {
            MaximumPercent = update.MaximumPercent ?? current.MaximumPercent,
            MinimumHealthyPercent = update.MinimumHealthyPercent ?? current.MinimumHealthyPercent,
            DeploymentCircuitBreaker = update.DeploymentCircuitBreaker ?? current.DeploymentCircuitBreaker,
            Alarms = update.Alarms ?? current.Alarms,
            Strategy = update.Strategy ?? current.Strategy,
            BakeTimeInMinutes = update.BakeTimeInMinutes ?? current.BakeTimeInMinutes,
            LifecycleHooks = update.LifecycleHooks ?? current.LifecycleHooks,
            LinearConfiguration = update.LinearConfiguration ?? current.LinearConfiguration,
            CanaryConfiguration = update.CanaryConfiguration ?? current.CanaryConfiguration,
        };
    }

    /// <summary>
    /// minimumHealthyPercent is a share of desiredCount that must stay healthy (0–100); maximumPercent is an upper
    /// limit that must let desiredCount tasks run (at least 100), and exactly 100 for daemon services, whose
    /// one-task-per-instance rule leaves no room for extra tasks.
    /// </summary>
    public static void ValidateDeploymentConfiguration(DeploymentConfiguration? configuration, string? schedulingStrategy)
    {
        if (configuration is null)
        {
            return;
        }
        Require.InRange(configuration.MinimumHealthyPercent, 0, 100, "deploymentConfiguration.minimumHealthyPercent");
        if (schedulingStrategy == SchedulingStrategies.Daemon && configuration.MaximumPercent > DaemonMaximumPercent)
        {
            throw new InvalidParameterException("The daemon scheduling strategy does not support values above 100 for maximumPercent.");
        }
        Require.InRange(configuration.MaximumPercent, 100, int.MaxValue, "deploymentConfiguration.maximumPercent");
        var effective = EffectiveDeploymentConfiguration(configuration, schedulingStrategy);
        Require.That(
            effective.MinimumHealthyPercent <= effective.MaximumPercent,
            "deploymentConfiguration.minimumHealthyPercent must not be greater than deploymentConfiguration.maximumPercent.");
    }

    /// <summary>
    /// Scheduling-strategy rules of CreateService: a daemon service runs one task per instance, so it takes no
    /// desiredCount and no placement strategy, and cannot run on Fargate (ECS API reference, CreateService).
    /// </summary>
    public static void ValidateCreateService(CreateServiceRequest request)
    {
        var strategy = request.SchedulingStrategy ?? SchedulingStrategies.Replica;
        Require.OneOf(strategy, EcsEnums.SchedulingStrategy, "schedulingStrategy");
        if (strategy == SchedulingStrategies.Daemon)
        {
            ValidateDaemon(request.DesiredCount, request.PlacementStrategy);
            if (request.LaunchType == "FARGATE")
            {
                throw new InvalidParameterException("The daemon scheduling strategy does not support the FARGATE launch type.");
            }
        }
        Require.InRange(request.DesiredCount, 0, int.MaxValue, "desiredCount");
        ValidateDeploymentConfiguration(request.DeploymentConfiguration, strategy);
        RefuseAlarmsWithoutEcsController(request.DeploymentController?.Type, request.DeploymentConfiguration);
    }

    /// <summary>The same rules for UpdateService, judged against the service's existing scheduling strategy.</summary>
    public static void ValidateUpdateService(Service current, UpdateServiceRequest request)
    {
        var strategy = current.SchedulingStrategy ?? SchedulingStrategies.Replica;
        if (strategy == SchedulingStrategies.Daemon)
        {
            ValidateDaemon(request.DesiredCount, request.PlacementStrategy);
        }
        Require.InRange(request.DesiredCount, 0, int.MaxValue, "desiredCount");
        ValidateDeploymentConfiguration(MergeDeploymentConfiguration(current.DeploymentConfiguration, request.DeploymentConfiguration), strategy);
        RefuseAlarmsWithoutEcsController(current.DeploymentController?.Type, request.DeploymentConfiguration);
    }

    /// <summary>
    /// "You can only use the DeploymentAlarms method to detect failures when the DeploymentController is set to ECS"
    /// (ECS API reference, DeploymentAlarms). ECS refuses <c>alarms</c> for the CODE_DEPLOY and EXTERNAL controllers even
    /// when disabled and empty (aws-cdk#26307 quotes the refusal of <c>{ enable: false, alarmNames: [] }</c>), so Berth
    /// refuses any, rather than store alarms nothing would watch.
    /// </summary>
    public static void RefuseAlarmsWithoutEcsController(string? controllerType, DeploymentConfiguration? requested)
    {
        if (requested?.Alarms is not null && controllerType is ExternalController.Type or CodeDeployController.Type)
        {
            throw new InvalidParameterException(
                "Alarm based rollback feature is only supported with ECS deployment controller. Update to ECS deployment controller and try again.");
        }
    }

    /// <summary>
    /// A daemon service runs one task on every instance of the cluster, which a capacity provider strategy (one given, or
    /// the cluster's default that CreateService would otherwise apply) cannot express, so ECS refuses the pair; a daemon
    /// service on a cluster with a default strategy must name launchType EC2 (aws/containers-roadmap#692). UpdateService's
    /// wording is Berth's, by analogy.
    /// </summary>
    /// <param name="action">"create" or "update", as the message says.</param>
    public static void RefuseDaemonStrategy(string? schedulingStrategy, IReadOnlyList<CapacityProviderStrategyItem>? strategy, string action)
    {
        if (schedulingStrategy == SchedulingStrategies.Daemon && strategy is { Count: > 0 })
        {
            throw new InvalidParameterException(
                $"Specifying a capacity provider strategy is not supported when you {action} a service using the DAEMON scheduling strategy.");
        }
    }

    private static void ValidateDaemon(int? desiredCount, IReadOnlyList<PlacementStrategy>? placementStrategy)
    {
        if (desiredCount is not null)
        {
            throw new InvalidParameterException("The daemon scheduling strategy does not support a desired count for services.");
        }
        if (placementStrategy is { Count: > 0 })
        {
            throw new InvalidParameterException("The daemon scheduling strategy does not support placement strategies.");
        }
    }
}
