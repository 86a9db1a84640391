using Berth.Control.Tasks;
using Berth.Core.ContainerInstances;
using Berth.Core.Cost;
using Berth.Core.Tasks;
using Berth.Store;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// Gives up on the tasks of instances whose agent stopped polling: after <see cref="AgentLiveness.TasksLostAfter"/>
/// without a heartbeat they are recorded STOPPED, so services can replace them elsewhere. Level-triggered: each
/// sweep reads every instance, so a missed sweep or a restart loses nothing. Also forgets STOPPED tasks once
/// ECS would (they stay describable for at least an hour), keeping their usage (<see cref="CostRecords"/>), expired task protections and expired RunTask client tokens,
/// and, hourly, usage records older than <see cref="ServerOptions.UsageRetentionMonths"/> (<see cref="UsageRetention"/>).
/// </summary>
internal sealed partial class InstanceMonitor(
    IStateStore store, TaskStopper stopper, AgentLiveness liveness, ServerOptions options, TimeProvider time, ILogger<InstanceMonitor> logger)
    : PeriodicController(options.MonitorInterval, time, logger)
{
    /// <summary>Forgetting expired tasks reads every stopped task, so it runs far less often than the instance sweep.</summary>
    private static readonly TimeSpan ForgetInterval = TimeSpan.FromMinutes(1);

    /// <summary>Usage records expire by the month, and reading them all is the costliest read here.</summary>
    private static readonly TimeSpan UsageSweepInterval = TimeSpan.FromHours(1);

    private DateTimeOffset _lastForget = DateTimeOffset.MinValue;

    private DateTimeOffset _lastUsageSweep = DateTimeOffset.MinValue;

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        await SweepInstancesAsync(cancellationToken).ConfigureAwait(false);
        if (Time.GetUtcNow() - _lastForget >= ForgetInterval)
        {
            await ForgetExpiredAsync(cancellationToken).ConfigureAwait(false);
            _lastForget = Time.GetUtcNow();
        }
        if (Time.GetUtcNow() - _lastUsageSweep >= UsageSweepInterval)
        {
            await SweepUsageAsync(cancellationToken).ConfigureAwait(false);
            _lastUsageSweep = Time.GetUtcNow();
        }
    }

    internal async Task SweepInstancesAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        // The instances' ids only: a sweep every few seconds read and deserialized every instance's body (2,000 at scale)
        // to use the body of a silent one, which is read below when there is one.
        var instances = await store.VersionsAsync(new RecordQuery(EcsRecords.ContainerInstanceKind, null), cancellationToken).ConfigureAwait(false);
        // Read after the instances, so each has its heartbeat here (an instance's first is committed with it).
        var heartbeats = (await store.QueryAsync(EcsRecords.AgentHeartbeats, new RecordQuery(EcsRecords.AgentHeartbeats.Kind, null), cancellationToken).ConfigureAwait(false))
            .ToDictionary(h => h.Id, StringComparer.Ordinal);
        foreach (var listed in instances)
        {
            if (!heartbeats.TryGetValue(listed.Id, out var heartbeat) || !liveness.TasksAreLost(heartbeat.Value.LastSeen, now)
                || await store.GetAsync(EcsRecords.ContainerInstances, listed.Id, cancellationToken).ConfigureAwait(false) is not { } instance)
            {
                // Alive, or deregistered since the listing: as if it had not been listed, as on the next sweep.
                continue;
            }
            var claims = await store.QueryAsync(EcsRecords.TaskAssignments, new RecordQuery(EcsRecords.TaskAssignments.Kind, instance.Id), cancellationToken).ConfigureAwait(false);
            var reason = $"Host EC2 (instance {instance.Value.Identity.InstanceId}) stopped responding; its agent has not been heard from since {heartbeat.Value.LastSeen:u}.";
            // Each commit carries the heartbeat as read: an agent heard from meanwhile fails it, and keeps its tasks.
            var agentStillSilent = new RequireVersion(EcsRecords.AgentHeartbeatKind, heartbeat.Id, heartbeat.Version);
            var lost = 0;
            foreach (var claim in claims)
            {
                try
                {
                    await store.CommitAsync(
                        [.. await stopper.StopLostTaskAsync(claim, reason, now, cancellationToken).ConfigureAwait(false), agentStillSilent], cancellationToken).ConfigureAwait(false);
                    lost++;
                }
                catch (ConcurrencyConflictException)
                {
                    // The agent came back or someone stopped the task meanwhile: the next sweep re-reads.
                }
            }
            // One line per instance, not per task: a lost fleet of 2,000 instances wrote 20,000 lines at once. Each task's
            // own stoppedReason says the rest.
            if (lost > 0)
            {
                LogTasksLost(logger, lost, instance.Id, heartbeat.Value.LastSeen);
            }
        }
    }

    internal async Task ForgetExpiredAsync(CancellationToken cancellationToken)
    {
        var cutoff = Time.GetUtcNow() - options.StoppedTaskRetention;
        // A STOPPED task's desired status is STOPPED too: the index range skips every live task of every cluster.
        var tasks = await store.QueryAsync(EcsRecords.Tasks, new RecordQuery(EcsRecords.Tasks.Kind, null)
        {
            IndexKeyPrefix = EcsRecords.TaskIndexPrefix(TaskStatuses.Stopped),
        }, cancellationToken).ConfigureAwait(false);
        // Expired scale-in protection means the same as none; sweeping it keeps protections from piling up.
        var protections = await store.QueryAsync(EcsRecords.TaskProtections, new RecordQuery(EcsRecords.TaskProtections.Kind, null), cancellationToken).ConfigureAwait(false);
        // An expired client token is free for reuse already (RunTaskIdempotency.Decide); sweeping it bounds the records.
        var tokens = await store.QueryAsync(EcsRecords.RunTaskTokens, new RecordQuery(EcsRecords.RunTaskTokens.Kind, null), cancellationToken).ConfigureAwait(false);
        var now = Time.GetUtcNow();
        var forgotten = tasks.Where(t => t.Value.LastStatus == TaskStatuses.Stopped && t.Value.StoppedAt < cutoff).ToList();
        // A forgotten task's usage is kept in the same commit, or its cost would leave the month's bill with it.
        var expired = forgotten.Select(EcsRecords.Tasks.Delete).Cast<RecordWrite>()
            .Concat(forgotten.Select(t => TaskUsage.Of(t.Value)).OfType<TaskUsage>().Select(CostRecords.PutUsage))
            .Concat(protections.Where(p => !TaskProtection.IsProtected(p.Value.ExpiresAt, now)).Select(EcsRecords.TaskProtections.Delete))
            .Concat(tokens.Where(t => RunTaskIdempotency.IsExpired(t.Value, now)).Select(EcsRecords.RunTaskTokens.Delete))
            .ToList();
        if (expired.Count > 0)
        {
            await store.CommitAsync(expired, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the usage records of tasks that stopped before the oldest month kept.</summary>
    internal async Task SweepUsageAsync(CancellationToken cancellationToken)
    {
        var cutoff = UsageRetention.Cutoff(Time.GetUtcNow(), options.UsageRetentionMonths);
        var deleted = await store.DeleteExpiredAsync(CostRecords.TaskUsages, u => UsageRetention.IsExpired(u, cutoff), cancellationToken).ConfigureAwait(false);
        if (deleted.Count > 0)
        {
            LogUsageExpired(logger, deleted.Count, cutoff);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} usage records of tasks stopped before {Cutoff:u}")]
    private static partial void LogUsageExpired(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} tasks lost with container instance {InstanceArn}, whose agent was last heard from at {LastSeen:u}")]
    private static partial void LogTasksLost(ILogger logger, int count, string instanceArn, DateTimeOffset lastSeen);
}
