using Berth.Control.Alarms;
using Berth.Control.Clusters;
using Berth.Control.Tasks;
using Berth.Core.Alarms;
using Berth.Core.Arns;
using Berth.Core.Capacity;
using Berth.Core.ContainerInstances;
using Berth.Core.Daemons;
using Berth.Core.Ecs;
using Berth.Core.State;
using Berth.Core.Tasks;
using Berth.Store;

namespace Berth.Control.Daemons;

/// <summary>
/// One round of a daemon: read a snapshot (the daemon, its latest deployment, the instances of its revision's capacity
/// providers, its tasks — group <c>daemon:NAME</c>, startedBy the revision ARN — and its deployment's alarms), let the
/// pure <see cref="DaemonPlanner"/> decide, stop and start tasks through the same <see cref="TaskStopper"/> and
/// <see cref="TaskLauncher"/> as StopTask and StartTask, and commit the daemon and deployment. As in the service
/// scheduler, tasks are acted on before the commit, so a conflict re-plans over the tasks just started or stopped and
/// nothing is done twice. A finished deletion removes the daemon with its revisions and deployments.
/// </summary>
public sealed class DaemonReconciler(ClusterState state, TaskLauncher launcher, TaskStopper stopper, AgentLiveness liveness, TimeProvider time)
{
    private IStateStore Store => state.Store;

    public Task ReconcileAsync(string daemonArn, CancellationToken cancellationToken) =>
        Store.RetryOnConflictAsync(async ct =>
        {
            var daemon = await Store.GetAsync(DaemonRecords.Daemons, daemonArn, ct).ConfigureAwait(false);
            if (daemon is null)
            {
                return false;
            }
            var deployment = await Store.GetAsync(DaemonRecords.Deployments, daemon.Value.DeploymentArn, ct).ConfigureAwait(false)
                ?? throw new InvalidDataException($"Deployment {daemon.Value.DeploymentArn} of daemon {daemonArn} is missing.");
            var now = time.GetUtcNow();
            var revisions = await RevisionsAsync(daemon.Value, deployment.Value.Deployment, ct).ConfigureAwait(false);
            var snapshot = new DaemonSnapshot(
                daemon.Value,
                deployment.Value,
                await InstancesAsync(daemon.Value, revisions[daemon.Value.RevisionArn], now, ct).ConfigureAwait(false),
                await TasksAsync(daemon.Value, ct).ConfigureAwait(false),
                revisions.ToDictionary(r => r.Key, r => r.Value.CapacityProviderArns, StringComparer.Ordinal),
                await AlarmsInAlarmAsync(daemon.Value, deployment.Value.Deployment, ct).ConfigureAwait(false));
            var plan = DaemonPlanner.Plan(snapshot, now);

            foreach (var stop in plan.Stops)
            {
                await stopper.RequestStopAsync(stop.TaskArn, stop.Reason, DaemonPlanner.StopCode, now, ct).ConfigureAwait(false);
            }
            var next = plan.Deployment;
            foreach (var start in plan.Starts)
            {
                if (await LaunchAsync(plan.Daemon, revisions[start.RevisionArn], start, ct).ConfigureAwait(false) is { } failure
                    && DaemonDeploymentStatuses.IsRunning(next.Deployment.Status))
                {
                    // The deployment says why an instance has no task yet, as a service's events would.
                    next = next with { Deployment = next.Deployment with { StatusReason = failure } };
                }
            }

            if (plan.Deleted)
            {
                await Store.CommitAsync([DaemonRecords.Daemons.Delete(daemon), .. await ChildDeletesAsync(daemonArn, ct).ConfigureAwait(false)], ct)
                    .ConfigureAwait(false);
                return true;
            }
            var writes = new List<RecordWrite>();
            if (!JsonScratch.SameJson(plan.Daemon, daemon.Value, StateJsonContext.Default.DaemonRecord))
            {
                writes.Add(DaemonRecords.PutDaemon(plan.Daemon, daemon.Version));
            }
            if (!JsonScratch.SameJson(next, deployment.Value, StateJsonContext.Default.DaemonDeploymentRecord))
            {
                writes.Add(DaemonRecords.PutDeployment(next, deployment.Version));
            }
            if (writes.Count > 0)
            {
                await Store.CommitAsync(writes, ct).ConfigureAwait(false);
            }
            return writes.Count > 0;
        }, cancellationToken);

    /// <summary>The revisions the round may name: the daemon's, and those its latest deployment moves from, to and back to.</summary>
    private async Task<Dictionary<string, DaemonRevisionRecord>> RevisionsAsync(
        DaemonRecord daemon, DaemonDeployment deployment, CancellationToken cancellationToken)
    {
        var arns = new[] { daemon.RevisionArn, deployment.TargetDaemonRevision?.Arn, deployment.Rollback?.RollbackTargetDaemonRevisionArn }
            .Concat((deployment.SourceDaemonRevisions ?? []).Select(s => s.Arn))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);
        var revisions = new Dictionary<string, DaemonRevisionRecord>(StringComparer.Ordinal);
        foreach (var arn in arns)
        {
            if (await Store.GetAsync(DaemonRecords.Revisions, arn, cancellationToken).ConfigureAwait(false) is { } revision)
            {
                revisions[arn] = revision.Value;
            }
        }
        return revisions;
    }

    /// <summary>The cluster's instances in the groups of the revision's capacity providers (an instance is in one group).</summary>
    private async Task<IReadOnlyList<DaemonInstance>> InstancesAsync(
        DaemonRecord daemon, DaemonRevisionRecord revision, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var scope = ScopeOf(daemon);
        var records = await state.InstancesAsync(daemon.ClusterArn, cancellationToken).ConfigureAwait(false);
        var lastSeen = await state.LastSeenTimesAsync(daemon.ClusterArn, cancellationToken).ConfigureAwait(false);
        var instances = new Dictionary<string, DaemonInstance>(StringComparer.Ordinal);
        foreach (var provider in revision.CapacityProviderArns)
        {
            var group = await DaemonCapacity.GroupAsync(Store, scope, provider, cancellationToken).ConfigureAwait(false);
            foreach (var record in records.Where(r => AutoScalingGroup.IsMember(r.Value.Instance.Attributes, group)))
            {
                instances.TryAdd(record.Id, new DaemonInstance(
                    record.Id, record.Value.Instance.Status!, liveness.IsConnected(lastSeen.Of(record.Id), now), provider));
            }
        }
        return [.. instances.Values];
    }

    /// <summary>The daemon's tasks; a daemon re-created under an old name does not adopt those of the one deleted before it.</summary>
    private async Task<IReadOnlyList<DaemonTask>> TasksAsync(DaemonRecord daemon, CancellationToken cancellationToken)
    {
        var group = TaskGroups.OfDaemon(daemon.DaemonName);
        var all = await state.TasksOfGroupAsync(daemon.ClusterArn, group, cancellationToken).ConfigureAwait(false);
        return [.. all
            .Where(t => t.CreatedAt >= daemon.CreatedAt)
            .Select(t => new DaemonTask(t.TaskArn!, t.StartedBy ?? "", t.LastStatus!, t.DesiredStatus!, t.ContainerInstanceArn,
                t.CreatedAt ?? daemon.CreatedAt, t.StopCode))];
    }

    /// <summary>The deployment's alarms in ALARM while it watches them; none once it stopped watching.</summary>
    private async Task<IReadOnlySet<string>> AlarmsInAlarmAsync(DaemonRecord daemon, DaemonDeployment deployment, CancellationToken cancellationToken) =>
        deployment.Alarms is { Status: DaemonDeploymentStatuses.Monitoring, AlarmNames: { } names }
            ? (await DeploymentAlarmReader.ReadAsync(Store, ScopeOf(daemon), names, cancellationToken).ConfigureAwait(false)).InAlarm
            : DeploymentAlarmStates.None.InAlarm;

    /// <summary>Starts the daemon's task on the instance; returns why it could not be placed, if it could not.</summary>
    private async Task<string?> LaunchAsync(DaemonRecord daemon, DaemonRevisionRecord revision, DaemonStart start, CancellationToken cancellationToken)
    {
        var scope = ScopeOf(daemon);
        var cluster = await Store.GetAsync(EcsRecords.Clusters, daemon.ClusterArn, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"Cluster {daemon.ClusterArn} of daemon {daemon.DaemonArn} is missing.");
        var definition = await Store.GetAsync(DaemonRecords.TaskDefinitions, revision.Revision.DaemonTaskDefinitionArn!, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"Daemon task definition {revision.Revision.DaemonTaskDefinitionArn} of daemon {daemon.DaemonArn} is missing.");
        var propagated = revision.Revision.PropagateTags == "DAEMON" ? daemon.Tags : [];
        var tags = TaskTags.For(propagated, null, revision.Revision.EnableECSManagedTags == true,
            new TaskTags.Sources([], [], cluster.Value.ClusterName!, null));
        var launch = new TaskLaunch(
            DaemonTaskDefinitions.AsTaskDefinition(definition.Value.Definition), null, revision.Revision.DaemonRevisionArn,
            TaskGroups.OfDaemon(daemon.DaemonName), tags, "EC2", CapacityProviderName: DaemonCapacity.NameOf(start.CapacityProviderArn),
            EnableExecuteCommand: revision.Revision.EnableExecuteCommand == true);
        var result = await launcher.StartAsync(scope, cluster.Value, launch, [start.ContainerInstanceArn], cancellationToken).ConfigureAwait(false);
        return result.Failures.FirstOrDefault() is { } failure
            ? $"Unable to place the daemon task on container instance {start.ContainerInstanceArn}: {failure.Reason}."
            : null;
    }

    private async Task<IReadOnlyList<RecordWrite>> ChildDeletesAsync(string daemonArn, CancellationToken cancellationToken)
    {
        var revisions = await Store.QueryAsync(DaemonRecords.Revisions, new RecordQuery(DaemonRecords.Revisions.Kind, daemonArn), cancellationToken).ConfigureAwait(false);
        var deployments = await Store.QueryAsync(DaemonRecords.Deployments, new RecordQuery(DaemonRecords.Deployments.Kind, daemonArn), cancellationToken).ConfigureAwait(false);
        return [.. revisions.Select(DaemonRecords.Revisions.Delete), .. deployments.Select(DaemonRecords.Deployments.Delete)];
    }

    private static ResourceScope ScopeOf(DaemonRecord daemon) =>
        DaemonArns.TryParseDaemon(daemon.DaemonArn, out var scope, out _, out _) ? scope : throw new InvalidDataException(daemon.DaemonArn);
}
