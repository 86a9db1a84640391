using Berth.Control.Alarms;
using Berth.Control.Clusters;
using Berth.Control.LoadBalancing;
using Berth.Control.Tasks;
using Berth.Core.Alarms;
using Berth.Core.Arns;
using Berth.Core.Capacity;
using Berth.Core.ContainerInstances;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;
using Berth.Core.State;
using Berth.Core.Tasks;
using Berth.Store;

namespace Berth.Control.Services;

/// <summary>
/// One service's scheduling round, the I/O around the pure <see cref="ServicePlanner"/>: read a snapshot (with the states
/// of the deployment alarms while a deployment watches them, <see cref="DeploymentAlarmReader"/>), plan,
/// stop and launch the tasks the plan asks for, commit the service. The tasks are acted on first: if the service
/// commit then conflicts (someone updated it meanwhile), the re-plan reads the tasks just launched or stopped, so
/// nothing is done twice. Behind load balancers, targets are deregistered before their tasks are deactivated and
/// registered once the tasks run (<see cref="ServiceTargets"/>); a blue/green, linear or canary deployment's listener
/// rule weights are rewritten before any of that (<see cref="ListenerRuleForwards"/>). The service's deployment history
/// is brought up to date in the same commit (<see cref="ServiceDeploymentHistory"/>). An EXTERNAL service's task sets
/// are planned in the same round; their tasks launch with the task set's settings and register in its target groups.
/// </summary>
public sealed class ServiceReconciler(
    ClusterState state, TaskLauncher launcher, TaskStopper stopper, ServiceTargets targets, ListenerRuleForwards ruleForwards,
    ServiceDeploymentHistory history, AgentLiveness liveness, TimeProvider time)
{
    private const string SchedulerStopCode = "ServiceSchedulerInitiated";

    private IStateStore Store => state.Store;

    public Task ReconcileAsync(string serviceArn, CancellationToken cancellationToken) =>
        Store.RetryOnConflictAsync(async ct =>
        {
            var record = await Store.GetAsync(EcsRecords.Services, serviceArn, ct).ConfigureAwait(false);
            if (record is null || record.Value.Service.Status == ServiceStatuses.Inactive)
            {
                return false;
            }
            var now = time.GetUtcNow();
            var definitions = new Dictionary<string, TaskDefinitionRecord?>(StringComparer.Ordinal);
            var providers = new Dictionary<string, int>(StringComparer.Ordinal);
            var snapshot = await SnapshotAsync(record.Value, definitions, providers, now, ct).ConfigureAwait(false);
            var plan = ServicePlanner.Plan(snapshot, now);
            var service = plan.Service;
            // Traffic moves first: a target group's share is gone before its targets start draining.
            var refused = await ruleForwards.ApplyAsync(plan.RuleForwards, ct).ConfigureAwait(false);
            refused = [.. refused.Select(r => $"(service {service.ServiceName}) {r}"),
                .. await targets.ApplyAsync(service.ServiceName!, plan.Deregistrations, register: false, ct).ConfigureAwait(false)];
            await stopper.DeactivateAllAsync([.. plan.Deactivations.Select(d => (d.TaskArn, d.Reason))], SchedulerStopCode, now, ct).ConfigureAwait(false);
            await stopper.RequestStopsAsync([.. plan.Stops.Select(s => (s.TaskArn, s.Reason))], SchedulerStopCode, now, ct).ConfigureAwait(false);
            refused = [.. refused, .. await targets.ApplyAsync(service.ServiceName!, plan.Registrations, register: true, ct).ConfigureAwait(false)];
            foreach (var message in refused)
            {
                service = WithEvent(service, message, now);
            }
            foreach (var start in plan.Starts)
            {
                if (await LaunchAsync(service, start, definitions, providers, ct).ConfigureAwait(false) is { } failure)
                {
                    service = WithEvent(service, start.AvailabilityZone is { } zone
                        ? ServiceEvents.AzUnableToPlace(service.ServiceName!, zone)
                        : ServiceEvents.UnableToPlace(service.ServiceName!, failure), now);
                    break;
                }
            }
            var (next, historyWrites) = await history.SyncAsync(record.Value, record.Value with { Service = service, Scheduler = plan.Scheduler }, now, ct).ConfigureAwait(false);
            if (historyWrites.Count == 0 && SameDocument(next, record.Value))
            {
                return false;
            }
            await Store.CommitAsync([EcsRecords.PutService(next, record.Version), .. historyWrites], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>The service's snapshot; <paramref name="providers"/> is filled with its live tasks per capacity provider.</summary>
    private async Task<ServiceSnapshot> SnapshotAsync(
        ServiceRecord record, Dictionary<string, TaskDefinitionRecord?> definitions, Dictionary<string, int> providers, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var service = record.Service;
        var group = GroupOf(service);
        var all = await state.TasksOfGroupAsync(service.ClusterArn!, group, cancellationToken).ConfigureAwait(false);
        var instances = await state.InstancesAsync(service.ClusterArn!, cancellationToken).ConfigureAwait(false);
        // The heartbeats only when the plan reads them: a round of a replica service then reads no heartbeat listing.
        var lastSeen = ServicePlanner.ReadsAgentConnections(service)
            ? await state.LastSeenTimesAsync(service.ClusterArn!, cancellationToken).ConfigureAwait(false)
            : null;
        var instanceIds = instances.ToDictionary(i => i.Id, i => i.Value.Instance.Ec2InstanceId, StringComparer.Ordinal);
        var health = await targets.HealthAsync(service, cancellationToken).ConfigureAwait(false);
        var protections = await Store.QueryAsync(EcsRecords.TaskProtections, new RecordQuery(EcsRecords.TaskProtections.Kind, service.ClusterArn), cancellationToken).ConfigureAwait(false);
        var protectedUntil = protections.ToDictionary(p => p.Id, p => p.Value.ExpiresAt, StringComparer.Ordinal);
        var tasks = new List<ServiceTask>();
        // A service re-created under an old name must not adopt the tasks of the one deleted before it.
        foreach (var task in all.Where(t => t.CreatedAt >= service.CreatedAt))
        {
            var definition = await DefinitionAsync(task.TaskDefinitionArn!, definitions, cancellationToken).ConfigureAwait(false);
            CountProvider(providers, task);
            tasks.Add(new ServiceTask(
                task.TaskArn!, task.StartedBy ?? "", task.LastStatus!, task.DesiredStatus!, task.HealthStatus,
                HasHealthCheck(definition?.Definition), task.ContainerInstanceArn, task.CreatedAt ?? now, task.StartedAt,
                task.StoppedAt, task.StopCode, task.StoppedReason)
            {
                Targets = ServiceTargets.Of(service, task, task.ContainerInstanceArn is { } at ? instanceIds.GetValueOrDefault(at) : null, health,
                    TrafficShift.IsAlternate(record.Scheduler, task.StartedBy)),
                ProtectedUntil = protectedUntil.TryGetValue(task.TaskArn!, out var until) ? until : null,
                AvailabilityZone = task.AvailabilityZone,
            });
        }
        var candidates = instances
            .Select(i => new ServiceInstance(i.Id, i.Value.Instance.Status!, lastSeen is not null && liveness.IsConnected(lastSeen.Of(i.Id), now))
            {
                AvailabilityZone = i.Value.Instance.Attributes?.FirstOrDefault(a => a.Name == AzRebalancing.ZoneAttribute)?.Value,
            })
            .ToList();
        return new ServiceSnapshot(service, tasks, candidates, record.Scheduler)
        {
            Alarms = await DeploymentAlarmsAsync(service, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>The states of the deployment alarms, read only while a deployment may watch them.</summary>
    private async Task<DeploymentAlarmStates> DeploymentAlarmsAsync(Service service, CancellationToken cancellationToken) =>
        ServicePlanner.AlarmsToRead(service) is { Count: > 0 } names
            ? await DeploymentAlarmReader.ReadAsync(Store, ScopeOf(service), names, cancellationToken).ConfigureAwait(false)
            : DeploymentAlarmStates.None;

    /// <summary>Launches one start of the plan; returns the placement failure that kept a task from starting, if any.</summary>
    private async Task<Failure?> LaunchAsync(
        Service service, TaskStart start, Dictionary<string, TaskDefinitionRecord?> definitions, Dictionary<string, int> providers,
        CancellationToken cancellationToken)
    {
        var scope = ScopeOf(service);
        // A task set's tasks run what the task set says, where it says (its launch type, strategy, network).
        service = TaskSetRules.Find(service, start.DeploymentId) is { } taskSet ? TaskSetRules.LaunchViewOf(service, taskSet) : service;
        var cluster = await Store.GetAsync(EcsRecords.Clusters, service.ClusterArn!, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"Cluster {service.ClusterArn} of service {service.ServiceArn} is missing.");
        var definition = await DefinitionAsync(start.TaskDefinitionArn, definitions, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"Task definition {start.TaskDefinitionArn} of service {service.ServiceArn} is missing.");
        var tags = TaskTags.For([], service.PropagateTags, service.EnableECSManagedTags == true,
            new TaskTags.Sources(definition.Tags, service.Tags ?? [], cluster.Value.ClusterName!, service.ServiceName));
        var launchType = LaunchTarget.LaunchTypeOf(service);
        var network = await LaunchChecks.NetworkOfAsync(Store, definition.Definition, NetworkOf(service, start), launchType, cancellationToken).ConfigureAwait(false);
        var constraints = ZoneConstraint(start) is { } zone ? [.. service.PlacementConstraints ?? [], zone] : service.PlacementConstraints ?? [];
        var launch = new TaskLaunch(definition.Definition, null, start.DeploymentId, GroupOf(service), tags, launchType, network,
            FargateRules.PlatformVersionFor(launchType, service.PlatformVersion), EnableExecuteCommand: service.EnableExecuteCommand == true);
        try
        {
            var result = start.ContainerInstanceArn is { } instance
                ? await launcher.StartAsync(scope, cluster.Value, launch, [instance], cancellationToken).ConfigureAwait(false)
                : service.CapacityProviderStrategy is { Count: > 0 } strategy
                    ? await launcher.RunWithStrategyAsync(scope, cluster.Value, launch, start.Count, strategy, providers,
                        service.PlacementStrategy ?? [], constraints, cancellationToken).ConfigureAwait(false)
                    : await launcher.RunAsync(scope, cluster.Value, launch, start.Count,
                        service.PlacementStrategy ?? [], constraints, cancellationToken).ConfigureAwait(false);
            foreach (var task in result.Tasks)
            {
                CountProvider(providers, task);
            }
            return result.Failures.FirstOrDefault();
        }
        catch (InvalidParameterException e)
        {
            // RunTask's "No Container Instances were found in your cluster." is an event for a service, not an error.
            return new Failure { Reason = e.Message };
        }
    }

    /// <summary>An AZ rebalancing start is placed in its zone only, by the same memberOf constraint a user would write.</summary>
    private static PlacementConstraint? ZoneConstraint(TaskStart start) =>
        start.AvailabilityZone is { } zone
            ? new PlacementConstraint { Type = "memberOf", Expression = $"attribute:{AzRebalancing.ZoneAttribute} == {zone}" }
            : null;

    /// <summary>The service's base and weights count its tasks that are not stopped, as ECS counts them per provider.</summary>
    private static void CountProvider(Dictionary<string, int> providers, EcsTask task)
    {
        if (task.CapacityProviderName is { } provider && task.LastStatus != TaskStatuses.Stopped)
        {
            providers[provider] = providers.GetValueOrDefault(provider) + 1;
        }
    }

    private async Task<TaskDefinitionRecord?> DefinitionAsync(
        string arn, Dictionary<string, TaskDefinitionRecord?> definitions, CancellationToken cancellationToken)
    {
        if (!definitions.TryGetValue(arn, out var definition))
        {
            definition = (await Store.GetAsync(EcsRecords.TaskDefinitions, arn, cancellationToken).ConfigureAwait(false))?.Value;
            definitions[arn] = definition;
        }
        return definition;
    }

    /// <summary>ECS waits for a container health check only on essential containers that define one.</summary>
    private static bool HasHealthCheck(TaskDefinition? definition) =>
        definition?.ContainerDefinitions?.Any(c => c.Essential != false && c.HealthCheck is not null) == true;

    /// <summary>A deployment keeps the network configuration it was created with, so a rollback restores it too.</summary>
    private static NetworkConfiguration? NetworkOf(Service service, TaskStart start) =>
        service.Deployments?.FirstOrDefault(d => d.Id == start.DeploymentId)?.NetworkConfiguration ?? service.NetworkConfiguration;

    private static string GroupOf(Service service) => TaskGroups.OfService(service.ServiceName!);

    private static ResourceScope ScopeOf(Service service) =>
        EcsArn.TryParse(service.ServiceArn, out var arn) ? arn.Scope : throw new InvalidDataException(service.ServiceArn);

    /// <summary>A repeated placement failure is not logged again while it is still the newest event (ECS omits duplicates).</summary>
    private static Service WithEvent(Service service, string message, DateTimeOffset now) =>
        service.Events is { Count: > 0 } events && events[0].Message == message
            ? service
            : service with { Events = ServiceEvents.Prepend(service.Events, [message], now, () => Guid.NewGuid().ToString()) };

    private static bool SameDocument(ServiceRecord a, ServiceRecord b) =>
        JsonScratch.SameJson(a, b, StateJsonContext.Default.ServiceRecord);
}
