using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Services;

/// <summary>
/// An Availability Zone rebalancing operation under way: since when, and the zone of the task it last asked to start
/// (announced as started "to AZ Rebalance" once it exists). Stored with the scheduler's bookkeeping, so a restart
/// neither repeats nor loses the "is not AZ balanced" / "is AZ balanced" pair.
/// </summary>
public sealed record AzRebalance(DateTimeOffset StartedAt)
{
    public string? StartZone { get; init; }
    public DateTimeOffset? StartAskedAt { get; init; }
}

/// <summary>
/// Availability Zone rebalancing ("Balancing an Amazon ECS service across Availability Zones"): once a REPLICA service
/// is steady, the scheduler compares its tasks per zone (the <c>ecs.availability-zone</c> attribute of the cluster's
/// ACTIVE instances with a connected agent); when the fullest zone has two tasks more than the emptiest, it starts a task
/// in the emptiest zone, and the scale-in that follows stops one in the fullest zone — within maximumPercent (the extra
/// task) and minimumHealthyPercent (the stop waits until enough tasks are healthy) — until the zones differ by at most
/// one task. Never while a deployment is in progress.
/// <para>The developer guide lists what it does not support: the DAEMON strategy, a maximumPercent of 100, a first
/// placement strategy other than spread across <c>attribute:ecs.availability-zone</c>, and a placement constraint on
/// that attribute (and the EXTERNAL launch type and Classic Load Balancers, which Berth refuses anyway). CreateService
/// without the member defaults it to ENABLED when the service supports it ("defaults to ENABLED if the service is
/// compatible"), otherwise DISABLED; an explicit ENABLED for such a service is refused.</para>
/// </summary>
public static class AzRebalancing
{
    public const string Enabled = "ENABLED";
    public const string Disabled = "DISABLED";

    public const string ZoneAttribute = "ecs.availability-zone";

    private const string ZoneField = "attribute:" + ZoneAttribute;

    /// <summary>CreateService: the request's value (refused when the service cannot use it), or the compatible default.</summary>
    /// <param name="requested">A value <see cref="ServiceFactory.ValidateRequest"/> checked.</param>
    public static string ForCreate(string? requested, Service service) => requested switch
    {
        Enabled => RequireSupported(service),
        Disabled => Disabled,
        _ => Unsupported(service) is null ? Enabled : Disabled,
    };

    /// <summary>
    /// UpdateService: the request's value, checked against the updated service; without one, the service's own ("If the
    /// service never had an AvailabilityZoneRebalancing value set, Amazon ECS treats this as DISABLED").
    /// </summary>
    public static string ForUpdate(string? requested, Service current, Service updated)
    {
        Require.OneOf(requested, EcsEnums.AvailabilityZoneRebalancing, "availabilityZoneRebalancing");
        return requested switch
        {
            Enabled => RequireSupported(updated),
            Disabled => Disabled,
            _ => current.AvailabilityZoneRebalancing ?? Disabled,
        };
    }

    /// <summary>
    /// Whether the scheduler rebalances the service now: ENABLED and still supported. An UpdateService that later gave
    /// it an unsupported configuration without naming the member keeps ENABLED stored, and the scheduler leaves it be.
    /// </summary>
    public static bool Applies(Service service) =>
        service.AvailabilityZoneRebalancing == Enabled && service.Status == ServiceStatuses.Active && Unsupported(service) is null;

    /// <summary>Why the service cannot use rebalancing, worded to follow "is not supported for services with"; null when it can.</summary>
    internal static string? Unsupported(Service service)
    {
        if (service.SchedulingStrategy == SchedulingStrategies.Daemon)
        {
            return "the DAEMON scheduling strategy";
        }
        if (TaskSetRules.RunsTaskSets(service))
        {
            return $"the {service.DeploymentController?.Type} deployment controller (Berth rebalances the ECS controller's deployments, not task sets)";
        }
        var maximumPercent = ServiceRules.EffectiveDeploymentConfiguration(service.DeploymentConfiguration, service.SchedulingStrategy).MaximumPercent;
        if (maximumPercent <= 100)
        {
            return "a deployment configuration maximumPercent of 100 or less";
        }
        if (service.PlacementStrategy is [var first, ..] && !(first.Type == "spread" && first.Field == ZoneField))
        {
            return $"a first placement strategy other than spread across {ZoneField}";
        }
        if ((service.PlacementConstraints ?? []).Any(c => c.Expression?.Contains(ZoneField, StringComparison.Ordinal) == true))
        {
            return $"a placement constraint on {ZoneField}";
        }
        return null;
    }

    /// <summary>
    /// One round's rebalancing step, after the REPLICA scheduler decided its own starts and stops: nothing while a
    /// deployment is in progress or the service is not steady (the scheduler's own work comes first); an imbalance starts
    /// one task in the emptiest zone; a balanced service ends the operation with its "is AZ balanced" event.
    /// </summary>
    /// <param name="zones">The zones the service can run in (<see cref="ZonesOf"/>).</param>
    /// <param name="scheduled">Whether the REPLICA scheduler starts or stops anything this round.</param>
    internal static (SchedulerState State, TaskStart? Start, IReadOnlyList<string> Events) Round(
        SchedulingContext context, SchedulerState state, IReadOnlyList<string> zones, bool scheduled)
    {
        var primary = context.Primary;
        if (!Applies(context.Service) || primary is null || context.Deployments.Count != 1
            || primary.RolloutState != RolloutStates.Completed || state.Shift is not null)
        {
            return (state with { Rebalance = null }, null, []);
        }
        var active = context.Tasks.Where(ServiceTaskState.IsActive).ToList();
        var steady = !scheduled && active.Count == context.DesiredCount
            && active.All(t => context.IsPrimary(t) && ServiceTaskState.IsRunning(t) && !context.IsUnhealthy(t))
            && context.Tasks.All(t => ServiceTaskState.IsStopped(t) || ServiceTaskState.IsActive(t));
        if (!steady || zones.Count < 2)
        {
            return (state, null, []);
        }
        var counts = Counts(active, zones);
        var name = context.ServiceName;
        if (IsBalanced(counts))
        {
            return state.Rebalance is null ? (state, null, []) : (state with { Rebalance = null }, null, [ServiceEvents.AzBalanced(name, counts)]);
        }
        if (!context.StartsAllowed || context.Tasks.Count(t => !ServiceTaskState.IsStopped(t)) + 1 > context.Bounds.MaximumTasks)
        {
            return (state, null, []);
        }
        var emptiest = counts.OrderBy(c => c.Count).ThenBy(c => c.Zone, StringComparer.Ordinal).First().Zone;
        IReadOnlyList<string> events = state.Rebalance is null ? [ServiceEvents.AzNotBalanced(name, counts)] : [];
        var rebalance = (state.Rebalance ?? new AzRebalance(context.Now)) with { StartZone = emptiest, StartAskedAt = context.Now };
        return (state with { Rebalance = rebalance },
            new TaskStart(primary.Id!, primary.TaskDefinition ?? "", 1, null) { AvailabilityZone = emptiest }, events);
    }

    /// <summary>
    /// Scale-in that keeps the zones balanced, as ECS's scheduler "attempts to maintain balance across the Availability
    /// Zones" when it stops tasks: each surplus task comes from the zone with the most tasks (the emptiest-first order of
    /// <see cref="ServiceTaskState.InScaleInOrder"/> within it). When no task of that zone may stop yet
    /// (minimumHealthyPercent, scale-in protection), nothing else stops this round: a task of another zone — such as
    /// the one just started to rebalance — is not the one to give up.
    /// </summary>
    internal static void ScaleIn(SchedulingContext context, StopSelection stops, IReadOnlyList<ServiceTask> primaryKept, int surplus)
    {
        var byZone = primaryKept
            .GroupBy(t => t.AvailabilityZone ?? "", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => ServiceTaskState.InScaleInOrder(g, context.Now).ToList(), StringComparer.Ordinal);
        for (; surplus > 0; surplus--)
        {
            var fullest = byZone.Where(z => z.Value.Count > 0)
                .OrderByDescending(z => z.Value.Count).ThenBy(z => z.Key, StringComparer.Ordinal)
                .Select(z => z.Value).FirstOrDefault();
            var stopped = fullest?.FirstOrDefault(t => stops.TryRetire(t, SchedulingContext.ScalingReason(t)));
            if (stopped is null)
            {
                return;
            }
            fullest!.Remove(stopped);
        }
    }

    /// <summary>
    /// The zones the service can run in: those of the ACTIVE instances whose agent is connected. A Fargate service's
    /// pool is no cluster instance, so it has none and is never rebalanced.
    /// </summary>
    public static IReadOnlyList<string> ZonesOf(IReadOnlyList<ServiceInstance> instances) =>
        [.. instances
            .Where(i => i.Status == InstanceStatuses.Active && i.AgentConnected && i.AvailabilityZone is not null)
            .Select(i => i.AvailabilityZone!)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// The started tasks the operation asked for, announced as "started … to AZ Rebalance" (the rest as any start): those
    /// in the zone of its last start, created since it asked.
    /// </summary>
    internal static (SchedulerState State, IReadOnlyList<ServiceTask> Others, IReadOnlyList<string> Events) AnnounceStarts(
        SchedulerState state, IReadOnlyList<ServiceTask> launched, string serviceName)
    {
        if (state.Rebalance is not { StartZone: { } zone, StartAskedAt: { } askedAt } rebalance)
        {
            return (state, launched, []);
        }
        var ours = launched.Where(t => t.AvailabilityZone == zone && t.CreatedAt >= askedAt).ToList();
        if (ours.Count == 0)
        {
            return (state, launched, []);
        }
        return (state with { Rebalance = rebalance with { StartZone = null, StartAskedAt = null } },
            [.. launched.Except(ours)], [ServiceEvents.AzRebalanceStarted(serviceName, zone, ours.Select(t => t.TaskArn))]);
    }

    /// <summary>
    /// The stops of this round that an operation under way made (its scale-in of the PRIMARY's surplus), one "has stopped
    /// … due to AZ rebalancing" event per zone; returns them so the plain "has stopped" event leaves them out.
    /// </summary>
    internal static (IReadOnlySet<string> Stops, IReadOnlyList<string> Events) AnnounceStops(
        SchedulingContext context, SchedulerState state, IReadOnlyList<TaskStop> stops)
    {
        if (state.Rebalance is null)
        {
            return (new HashSet<string>(), []);
        }
        var tasks = context.Tasks.ToDictionary(t => t.TaskArn, StringComparer.Ordinal);
        var ours = stops
            .Select(s => tasks.GetValueOrDefault(s.TaskArn))
            .Where(t => t is not null && context.IsPrimary(t) && t.AvailabilityZone is not null && !context.IsUnhealthy(t))
            .Select(t => t!)
            .ToList();
        return (ours.Select(t => t.TaskArn).ToHashSet(StringComparer.Ordinal),
            [.. ours.GroupBy(t => t.AvailabilityZone!, StringComparer.Ordinal)
                .Select(g => ServiceEvents.AzRebalanceStopped(context.ServiceName, g.Key, g.Select(t => t.TaskArn)))]);
    }

    /// <summary>Balanced: no zone has more than one task more than another.</summary>
    internal static bool IsBalanced(IReadOnlyList<(string Zone, int Count)> counts) =>
        counts.Count == 0 || counts.Max(c => c.Count) - counts.Min(c => c.Count) <= 1;

    /// <summary>The service's active tasks in each zone it can run in, zones without tasks included, in zone order.</summary>
    internal static IReadOnlyList<(string Zone, int Count)> Counts(IReadOnlyList<ServiceTask> active, IReadOnlyList<string> zones) =>
        [.. zones.Select(z => (z, active.Count(t => t.AvailabilityZone == z)))];

    private static string RequireSupported(Service service) =>
        Unsupported(service) is { } reason
            ? throw new InvalidParameterException($"Availability Zone rebalancing is not supported for services with {reason}.")
            : Enabled;
}
