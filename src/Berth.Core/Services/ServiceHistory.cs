using System.Security.Cryptography;
using System.Text;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.State;

namespace Berth.Core.Services;

/// <summary>
/// Service revisions and service deployments ("View service history using Amazon ECS service deployments"), derived
/// from the deployments the service scheduler already runs rather than from a state machine of their own:
/// <list type="bullet">
/// <item>every deployment that CreateService or UpdateService (or a forced redeployment) starts captures an immutable
/// service revision (the task definition, launch type or capacity provider strategy, platform, load balancers,
/// network and container images it deploys) and a service deployment from the revisions still running (source) to
/// it (target);</item>
/// <item>a rollback — the circuit breaker's or StopServiceDeployment's — creates no revision ("Amazon ECS doesn't create
/// a new service revision for a rollback operation"): its deployment belongs to the service deployment it rolls back
/// and deploys the revision it returns to;</item>
/// <item>a service deployment's status follows its deployments' rolloutState each scheduling round: IN_PROGRESS,
/// then SUCCESSFUL (COMPLETED), STOPPED (failed without rollback, or replaced by a newer deployment before it
/// finished), or ROLLBACK_IN_PROGRESS and then ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED; a BLUE_GREEN, LINEAR or CANARY
/// deployment also shows its lifecycleStage (<see cref="TrafficShift"/>) and the PAUSE hooks it reached
/// (lifecycleHookDetails, <see cref="PauseHooks"/>).</item>
/// </list>
/// </summary>
public static class ServiceHistory
{
    public const string Pending = "PENDING";
    public const string InProgress = "IN_PROGRESS";
    public const string Successful = "SUCCESSFUL";
    public const string Stopped = "STOPPED";
    public const string StopRequested = "STOP_REQUESTED";
    public const string RollbackRequested = "ROLLBACK_REQUESTED";
    public const string RollbackInProgress = "ROLLBACK_IN_PROGRESS";
    public const string RollbackSuccessful = "ROLLBACK_SUCCESSFUL";
    public const string RollbackFailed = "ROLLBACK_FAILED";

    // The statuses of a service deployment's circuit breaker and alarms (ServiceDeploymentRollbackMonitorsStatus).
    public const string Disabled = "DISABLED";
    public const string Monitoring = "MONITORING";
    public const string Triggered = "TRIGGERED";
    public const string MonitoringComplete = "MONITORING_COMPLETE";

    /// <summary>ECS shows "the most recent 90-day history" of service deployments; older finished ones are not listed.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(90);

    public const string SupersededReason = "Service deployment stopped: a newer service deployment replaced it before it finished.";

    private static readonly IReadOnlySet<string> FinishedStatuses =
        new HashSet<string>(StringComparer.Ordinal) { Successful, Stopped, RollbackSuccessful, RollbackFailed };

    /// <summary>The service's changed links and the service deployments and revisions to write.</summary>
    public sealed record Changes(
        IReadOnlyList<DeploymentLink> Links, IReadOnlyList<ServiceDeployment> Deployments, IReadOnlyList<ServiceRevision> Revisions);

    public static bool IsFinished(ServiceDeployment deployment) => deployment.Status is { } status && FinishedStatuses.Contains(status);

    /// <summary>Shown by List and Describe: unfinished ones always, finished ones for <see cref="Retention"/> after they finished.</summary>
    public static bool IsRetained(ServiceDeployment deployment, DateTimeOffset now) =>
        !IsFinished(deployment) || (deployment.FinishedAt ?? deployment.UpdatedAt ?? now) > now - Retention;

    /// <summary>
    /// <c>…:service-revision/&lt;cluster&gt;/&lt;service&gt;/&lt;id&gt;</c>; the id is the number of the deployment that
    /// created the revision (ECS's revision ids are numbers too).
    /// </summary>
    public static string RevisionArn(string serviceArn, string deploymentId) =>
        $"{ChildPrefix(serviceArn, "service-revision")}/{deploymentId[ServiceRules.DeploymentIdPrefix.Length..]}";

    /// <summary>
    /// <c>…:service-deployment/&lt;cluster&gt;/&lt;service&gt;/&lt;id&gt;</c>, the id 22 URL-safe characters as ECS's
    /// (e.g. <c>r9i43YFjvgF_xlg7m2eJ1r</c>), derived from the deployment id so a re-plan names the same one.
    /// </summary>
    public static string DeploymentArn(string serviceArn, string deploymentId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(serviceArn + " " + deploymentId));
        var id = Convert.ToBase64String(hash, 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{ChildPrefix(serviceArn, "service-deployment")}/{id}";
    }

    /// <summary>The service ARN a service deployment or revision ARN belongs to; null for anything else.</summary>
    public static string? ServiceArnOf(string arn)
    {
        foreach (var kind in (string[])["service-deployment", "service-revision"])
        {
            var marker = $":{kind}/";
            var at = arn.IndexOf(marker, StringComparison.Ordinal);
            var last = arn.LastIndexOf('/');
            if (at > 0 && last > at + marker.Length && arn[(at + marker.Length)..last].Contains('/', StringComparison.Ordinal))
            {
                return $"{arn[..at]}:service/{arn[(at + marker.Length)..last]}";
            }
        }
        return null;
    }

    /// <summary>
    /// Brings the service's history up to date with its deployments: links and records for deployments that have
    /// none (new ones), and the status and task counts of the service deployments still open.
    /// </summary>
    /// <param name="known">The service deployments the links name, as stored (missing ones are left alone).</param>
    /// <param name="imagesOf">The container images of a task definition, by ARN.</param>
    public static Changes Sync(
        Service service, IReadOnlyList<DeploymentLink> links, IReadOnlyDictionary<string, ServiceDeployment> known,
        Func<string, IReadOnlyList<ContainerImage>> imagesOf, DateTimeOffset now, TrafficShiftState? shift = null,
        IReadOnlyList<AlarmTrigger>? alarmTriggers = null)
    {
        var live = (service.Deployments ?? []).Where(d => d.Status != DeploymentStatuses.Inactive).ToList();
        var byId = links.ToDictionary(l => l.DeploymentId, StringComparer.Ordinal);
        var kept = new List<DeploymentLink>();
        var revisions = new List<ServiceRevision>();
        var records = new Dictionary<string, ServiceDeployment>(known, StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal);
        // Oldest first (the list is newest first), so a new deployment's sources are the deployments before it.
        foreach (var deployment in Enumerable.Reverse(live))
        {
            if (byId.TryGetValue(deployment.Id!, out var link))
            {
                kept.Add(link);
                continue;
            }
            var revision = NewRevision(service, deployment, imagesOf(deployment.TaskDefinition ?? ""));
            link = new DeploymentLink(deployment.Id!, DeploymentArn(service.ServiceArn!, deployment.Id!), revision.ServiceRevisionArn!);
            records[link.ServiceDeploymentArn] = NewDeployment(service, deployment, link, Summaries(kept, live), now);
            written.Add(link.ServiceDeploymentArn);
            revisions.Add(revision);
            kept.Add(link);
        }

        foreach (var arn in kept.Select(l => l.ServiceDeploymentArn).Distinct(StringComparer.Ordinal))
        {
            if (records.TryGetValue(arn, out var record) && !IsFinished(record))
            {
                var progressed = Progress(service, record, [.. kept.Where(l => l.ServiceDeploymentArn == arn)], kept, live, shift, alarmTriggers ?? [], now);
                if (written.Contains(arn) || !Same(progressed, record))
                {
                    records[arn] = progressed with { UpdatedAt = now };
                    written.Add(arn);
                }
            }
        }
        // A service deployment whose deployments are all gone (replaced before they finished) is stopped.
        foreach (var record in known.Values.Where(r => !IsFinished(r) && kept.All(l => l.ServiceDeploymentArn != r.ServiceDeploymentArn)))
        {
            records[record.ServiceDeploymentArn!] = Finish(record, Stopped, SupersededReason, now);
            written.Add(record.ServiceDeploymentArn!);
        }
        return new Changes(kept, [.. written.Select(a => records[a])], revisions);
    }

    /// <summary>
    /// The service as DescribeServices shows it with its history: currentServiceDeployment is the PRIMARY deployment's
    /// service deployment, currentServiceRevisions the revisions its live deployments run, with their tasks.
    /// </summary>
    public static Service WithCurrent(Service service, IReadOnlyList<DeploymentLink> links)
    {
        var live = (service.Deployments ?? []).Where(d => d.Status != DeploymentStatuses.Inactive).ToList();
        var primary = live.FirstOrDefault(d => d.Status == DeploymentStatuses.Primary);
        return service with
        {
            CurrentServiceDeployment = links.FirstOrDefault(l => l.DeploymentId == primary?.Id)?.ServiceDeploymentArn,
            CurrentServiceRevisions = [.. Summaries(links, live).Select(s => new ServiceCurrentRevisionSummary
            {
                Arn = s.Arn,
                RequestedTaskCount = s.RequestedTaskCount,
                RunningTaskCount = s.RunningTaskCount,
                PendingTaskCount = s.PendingTaskCount,
            })],
        };
    }

    /// <summary>
    /// The links after the circuit breaker rolled <paramref name="failedId"/> back to <paramref name="targetId"/> with
    /// the deployment <paramref name="rollbackId"/>: it belongs to the failed one's service deployment and deploys the
    /// target's revision. Unchanged when either has no link (a service from before Berth kept a history).
    /// </summary>
    public static IReadOnlyList<DeploymentLink> LinkRollback(IReadOnlyList<DeploymentLink> links, string failedId, string rollbackId, string targetId) =>
        links.FirstOrDefault(l => l.DeploymentId == failedId) is { } failed && links.FirstOrDefault(l => l.DeploymentId == targetId) is { } target
            ? [.. links, new DeploymentLink(rollbackId, failed.ServiceDeploymentArn, target.ServiceRevisionArn)]
            : links;

    /// <summary>
    /// Whether the deployment is a rollback: it belongs to a service deployment that another deployment started (the
    /// failed one, linked first).
    /// </summary>
    public static bool IsRollback(IReadOnlyList<DeploymentLink> links, string deploymentId) =>
        links.FirstOrDefault(l => l.DeploymentId == deploymentId) is { } link
        && links.First(l => l.ServiceDeploymentArn == link.ServiceDeploymentArn).DeploymentId != deploymentId;

    /// <summary>
    /// StopServiceDeployment with stopType ROLLBACK, as the developer guide's "Stopping Amazon ECS service deployments"
    /// describes: an unfinished deployment moves to ROLLBACK_REQUESTED and rolls back to the previous successful revision
    /// (the most recent COMPLETED deployment) as the circuit breaker does, whether or not rollback was configured; one
    /// already stopping or rolling back carries on. Returns the service record and the service deployment to store.
    /// </summary>
    public static (ServiceRecord Record, ServiceDeployment Deployment) RequestRollback(
        ServiceRecord record, ServiceDeployment serviceDeployment, string rollbackDeploymentId, DateTimeOffset now)
    {
        var arn = serviceDeployment.ServiceDeploymentArn!;
        if (IsFinished(serviceDeployment))
        {
            throw new ConflictException(
                $"The service deployment {arn} is {serviceDeployment.Status} and cannot be stopped: only a deployment that is still in progress can.", [arn]);
        }
        if (serviceDeployment.Status is StopRequested or RollbackRequested or RollbackInProgress)
        {
            return (record, serviceDeployment);
        }
        var service = record.Service;
        var deployments = (service.Deployments ?? []).Where(d => d.Status != DeploymentStatuses.Inactive)
            .OrderBy(d => d.Status == DeploymentStatuses.Primary ? 0 : 1).ToList();
        var origin = record.Scheduler.Links.FirstOrDefault(l => l.ServiceDeploymentArn == arn
            && l.ServiceRevisionArn == serviceDeployment.TargetServiceRevision?.Arn);
        if (service.Status != ServiceStatuses.Active || deployments.Count == 0 || origin is null || deployments[0].Id != origin.DeploymentId)
        {
            throw new ConflictException($"The service deployment {arn} is no longer the service's current deployment.", [arn]);
        }
        var target = DeploymentRollback.TargetOf(deployments)
            ?? throw new ConflictException($"The service deployment {arn} has no previous successful service revision to roll back to.", [arn]);

        var reason = $"Service deployment rolled back to deploymentId {target.Id} by StopServiceDeployment.";
        var failed = deployments[0] with { RolloutState = RolloutStates.Failed, RolloutStateReason = "Service deployment stopped by StopServiceDeployment.", UpdatedAt = now };
        var rolledBack = DeploymentRollback.Start([failed, .. deployments.Skip(1)], target, rollbackDeploymentId, reason, now);
        var name = service.ServiceName ?? "";
        var updated = service with
        {
            TaskDefinition = target.TaskDefinition,
            Deployments = rolledBack,
            Events = ServiceEvents.Prepend(service.Events, [ServiceEvents.RollingBack(name, target.Id ?? "")], now, () => Guid.NewGuid().ToString()),
        };
        // As after the circuit breaker's rollback: the returned-to task definition starts unthrottled.
        var scheduler = RestartThrottle.Reset(record.Scheduler) with
        {
            StartFailuresDeploymentId = rollbackDeploymentId,
            Links = LinkRollback(record.Scheduler.Links, failed.Id!, rollbackDeploymentId, target.Id!),
        };
        var targetRevision = scheduler.Links.First(l => l.DeploymentId == rollbackDeploymentId).ServiceRevisionArn;
        var requested = serviceDeployment with
        {
            Status = RollbackRequested,
            StatusReason = reason,
            UpdatedAt = now,
            Rollback = new Rollback { Reason = reason, StartedAt = now, ServiceRevisionArn = targetRevision },
        };
        return (record with { Service = updated, Scheduler = scheduler }, requested);
    }

    private static ServiceRevision NewRevision(Service service, Deployment deployment, IReadOnlyList<ContainerImage> images) => new()
    {
        ServiceRevisionArn = RevisionArn(service.ServiceArn!, deployment.Id!),
        ServiceArn = service.ServiceArn,
        ClusterArn = service.ClusterArn,
        TaskDefinition = deployment.TaskDefinition,
        CapacityProviderStrategy = deployment.CapacityProviderStrategy,
        LaunchType = deployment.LaunchType,
        PlatformVersion = deployment.PlatformVersion,
        PlatformFamily = deployment.PlatformFamily,
        LoadBalancers = service.LoadBalancers ?? [],
        ServiceRegistries = service.ServiceRegistries ?? [],
        NetworkConfiguration = deployment.NetworkConfiguration,
        ContainerImages = images,
        // Runtime Monitoring is GuardDuty's, which Berth does not have.
        GuardDutyEnabled = false,
        CreatedAt = deployment.CreatedAt,
    };

    private static ServiceDeployment NewDeployment(
        Service service, Deployment deployment, DeploymentLink link, IReadOnlyList<ServiceRevisionSummary> sources, DateTimeOffset now) => new()
        {
            ServiceDeploymentArn = link.ServiceDeploymentArn,
            ServiceArn = service.ServiceArn,
            ClusterArn = service.ClusterArn,
            CreatedAt = deployment.CreatedAt ?? now,
            // Berth's scheduler acts on a deployment in the round that follows its creation: it is never PENDING.
            StartedAt = deployment.CreatedAt ?? now,
            UpdatedAt = now,
            SourceServiceRevisions = sources,
            TargetServiceRevision = Summary(link.ServiceRevisionArn, [deployment]),
            Status = InProgress,
            StatusReason = deployment.RolloutStateReason,
            DeploymentConfiguration = service.DeploymentConfiguration,
        };

    /// <summary>A service deployment's status, reasons and counts from the deployments linked to it.</summary>
    private static ServiceDeployment Progress(
        Service service, ServiceDeployment record, IReadOnlyList<DeploymentLink> own, IReadOnlyList<DeploymentLink> all,
        IReadOnlyList<Deployment> live, TrafficShiftState? shift, IReadOnlyList<AlarmTrigger> alarmTriggers, DateTimeOffset now)
    {
        var targetArn = record.TargetServiceRevision?.Arn;
        var origin = own.FirstOrDefault(l => l.ServiceRevisionArn == targetArn) is { } o ? live.FirstOrDefault(d => d.Id == o.DeploymentId) : null;
        var rollbackLink = own.FirstOrDefault(l => l.ServiceRevisionArn != targetArn);
        var rollback = rollbackLink is null ? null : live.FirstOrDefault(d => d.Id == rollbackLink.DeploymentId);
        var updated = record with
        {
            TargetServiceRevision = origin is null ? record.TargetServiceRevision : Summary(targetArn!, [origin]),
            SourceServiceRevisions = [.. (record.SourceServiceRevisions ?? []).Select(s =>
                Summary(s.Arn!, [.. all.Where(l => l.ServiceRevisionArn == s.Arn && !own.Contains(l)).SelectMany(l => live.Where(d => d.Id == l.DeploymentId))]))],
            DeploymentCircuitBreaker = Breaker(service, origin, record.DeploymentCircuitBreaker),
            Alarms = Alarms(service, origin, alarmTriggers, record.Alarms),
            // A blue/green, linear or canary deployment shows its stage; it keeps the last one (CLEAN_UP) once finished.
            LifecycleStage = shift is not null && origin is not null && origin.Id == shift.GreenDeploymentId ? shift.Stage : record.LifecycleStage,
            LifecycleHookDetails = shift is not null && origin is not null && origin.Id == shift.GreenDeploymentId && shift.Hooks.Count > 0
                ? PauseHooks.Details(shift)
                : record.LifecycleHookDetails,
        };
        if (rollback is not null)
        {
            updated = updated with
            {
                Rollback = updated.Rollback ?? new Rollback { Reason = rollback.RolloutStateReason, StartedAt = rollback.CreatedAt, ServiceRevisionArn = rollbackLink!.ServiceRevisionArn },
            };
            return rollback.RolloutState switch
            {
                RolloutStates.Completed => Finish(updated, RollbackSuccessful, rollback.RolloutStateReason, now),
                RolloutStates.Failed => Finish(updated, RollbackFailed, rollback.RolloutStateReason, now),
                _ when rollback.Status != DeploymentStatuses.Primary => Finish(updated, RollbackFailed, SupersededReason, now),
                _ => updated with { Status = RollbackInProgress, StatusReason = rollback.RolloutStateReason },
            };
        }
        if (rollbackLink is not null || origin is null)
        {
            return Finish(updated, Stopped, SupersededReason, now);
        }
        return origin.RolloutState switch
        {
            RolloutStates.Completed => Finish(updated, Successful, origin.RolloutStateReason, now),
            RolloutStates.Failed => Finish(updated, Stopped, origin.RolloutStateReason, now),
            _ when origin.Status != DeploymentStatuses.Primary => Finish(updated, Stopped, SupersededReason, now),
            _ => updated with { Status = InProgress, StatusReason = origin.RolloutStateReason },
        };
    }

    private static ServiceDeployment Finish(ServiceDeployment record, string status, string? reason, DateTimeOffset now) => record with
    {
        Status = status,
        StatusReason = reason,
        FinishedAt = now,
        StoppedAt = status == Stopped ? now : null,
        UpdatedAt = now,
        DeploymentCircuitBreaker = record.DeploymentCircuitBreaker is { Status: Monitoring } breaker
            ? breaker with { Status = MonitoringComplete }
            : record.DeploymentCircuitBreaker,
        Alarms = record.Alarms is { Status: Monitoring } alarms ? alarms with { Status = MonitoringComplete } : record.Alarms,
    };

    /// <summary>
    /// The deployment alarms as the service deployment reports them: DISABLED when off, MONITORING while the deployment
    /// runs (and bakes), TRIGGERED with the alarms that were in ALARM once they failed it; MONITORING_COMPLETE once it
    /// finished otherwise (<see cref="Finish"/>).
    /// </summary>
    private static ServiceDeploymentAlarms Alarms(
        Service service, Deployment? origin, IReadOnlyList<AlarmTrigger> triggers, ServiceDeploymentAlarms? before)
    {
        if (!DeploymentAlarmWatch.IsEnabled(service))
        {
            return new ServiceDeploymentAlarms { Status = Disabled };
        }
        var names = service.DeploymentConfiguration!.Alarms!.AlarmNames ?? [];
        if (origin is null && before is { Status: Triggered })
        {
            return before;
        }
        var triggered = triggers.FirstOrDefault(t => t.DeploymentId == origin?.Id)?.AlarmNames;
        return new ServiceDeploymentAlarms { Status = triggered is null ? Monitoring : Triggered, AlarmNames = names, TriggeredAlarmNames = triggered ?? [] };
    }

    /// <summary>
    /// The circuit breaker as the service deployment reports it: DISABLED when off, MONITORING while the deployment
    /// runs, TRIGGERED once it failed the deployment; failureCount is the deployment's failedTasks.
    /// </summary>
    private static ServiceDeploymentCircuitBreaker Breaker(Service service, Deployment? origin, ServiceDeploymentCircuitBreaker? before)
    {
        if (!CircuitBreaker.IsEnabled(service))
        {
            return new ServiceDeploymentCircuitBreaker { Status = Disabled, FailureCount = 0, Threshold = 0 };
        }
        if (origin is null)
        {
            return before ?? new ServiceDeploymentCircuitBreaker { Status = Monitoring, FailureCount = 0, Threshold = CircuitBreaker.Threshold(service.DesiredCount ?? 0) };
        }
        return new ServiceDeploymentCircuitBreaker
        {
            Status = origin.RolloutState == RolloutStates.Failed && origin.RolloutStateReason == CircuitBreaker.FailedReason ? Triggered : Monitoring,
            FailureCount = origin.FailedTasks ?? 0,
            Threshold = CircuitBreaker.Threshold(origin.DesiredCount ?? service.DesiredCount ?? 0),
        };
    }

    /// <summary>The revisions the other live deployments deploy, each with their tasks.</summary>
    private static IReadOnlyList<ServiceRevisionSummary> Summaries(IReadOnlyList<DeploymentLink> links, IReadOnlyList<Deployment> live) =>
        [.. links.GroupBy(l => l.ServiceRevisionArn, StringComparer.Ordinal)
            .Select(g => Summary(g.Key, [.. g.SelectMany(l => live.Where(d => d.Id == l.DeploymentId))]))];

    private static ServiceRevisionSummary Summary(string revisionArn, IReadOnlyList<Deployment> deployments) => new()
    {
        Arn = revisionArn,
        RequestedTaskCount = deployments.Sum(d => d.DesiredCount ?? 0),
        RunningTaskCount = deployments.Sum(d => d.RunningCount ?? 0),
        PendingTaskCount = deployments.Sum(d => d.PendingCount ?? 0),
    };

    private static bool Same(ServiceDeployment a, ServiceDeployment b) =>
        JsonScratch.SameJson(a with { UpdatedAt = null }, b with { UpdatedAt = null }, StateJsonContext.Default.ServiceDeployment);

    /// <summary><c>…:service/c/s</c> → <c>…:&lt;kind&gt;/c/s</c>.</summary>
    private static string ChildPrefix(string serviceArn, string kind)
    {
        const string marker = ":service/";
        var at = serviceArn.IndexOf(marker, StringComparison.Ordinal);
        return $"{serviceArn[..at]}:{kind}/{serviceArn[(at + marker.Length)..]}";
    }
}
