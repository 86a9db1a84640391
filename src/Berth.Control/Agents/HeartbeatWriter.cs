using Berth.Control.Observability;
using Berth.Core.ContainerInstances;
using Berth.Core.State;
using Berth.Store;
using Microsoft.Extensions.Logging;

namespace Berth.Control.Agents;

/// <summary>
/// Writes agents' heartbeats (<see cref="EcsRecords.AgentHeartbeats"/>) together: a poll whose heartbeat is due queues it
/// here and goes on at once, and what was queued within <see cref="CollectFor"/> is committed in one commit, instead of
/// one commit per instance every <see cref="WriteInterval"/> (400 a second at 2,000 instances). A heartbeat carries the
/// time its poll was heard, so the delay only moves when it is stored, well inside the disconnection window.
/// </summary>
public sealed partial class HeartbeatWriter(IStateStore store, AgentLiveness liveness, TimeProvider time, ILogger<HeartbeatWriter> logger)
{
    private readonly Lock _gate = new();
    private Dictionary<string, Due> _due = new(StringComparer.Ordinal);
    private bool _collecting;

    /// <summary>The flushes run one at a time (one collecting loop), as <see cref="StoreOutageLog"/> asks.</summary>
    private readonly StoreOutageLog _outage = new(logger, nameof(HeartbeatWriter));

    /// <summary>
    /// A heartbeat is written at most this often, so a busy instance's polls do not all become writes; well inside the
    /// disconnection window, so a live agent never looks disconnected between two writes.
    /// </summary>
    public TimeSpan WriteInterval { get; } = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, liveness.DisconnectedAfter.Ticks / 3));

    /// <summary>How long queued heartbeats wait for others to share their commit (a second by default).</summary>
    private TimeSpan CollectFor => WriteInterval / 5;

    /// <summary>Queues a heartbeat of <paramref name="instance"/>, heard now; it is written within <see cref="CollectFor"/>.</summary>
    public void Enqueue(Versioned<ContainerInstanceRecord> instance)
    {
        var due = new Due(instance, time.GetUtcNow());
        lock (_gate)
        {
            _due[instance.Id] = due;
            if (_collecting)
            {
                return;
            }
            _collecting = true;
        }
        _ = Task.Run(CollectAsync);
    }

    /// <summary>Writes what is queued now: one commit for the instances that have a heartbeat record, each on its own on a conflict.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, Due> due;
        lock (_gate)
        {
            (due, _due) = (_due, new Dictionary<string, Due>(StringComparer.Ordinal));
        }
        if (due.Count == 0)
        {
            return;
        }
        var writes = new List<RecordWrite>();
        var alone = new List<Due>();
        // One read for every queued heartbeat: a statement each was a round trip each on PostgreSQL.
        var stored = await store.GetManyAsync(EcsRecords.AgentHeartbeats, due.Keys, cancellationToken).ConfigureAwait(false);
        foreach (var beat in due.Values)
        {
            if (!stored.TryGetValue(beat.Instance.Id, out var heartbeat))
            {
                alone.Add(beat);
            }
            else if (beat.HeardAt - heartbeat.Value.LastSeen >= WriteInterval)
            {
                writes.Add(EcsRecords.PutHeartbeat(beat.Instance.Value, new AgentHeartbeatRecord(beat.HeardAt), heartbeat.Version));
            }
            // Otherwise another poll of the instance (or another server) wrote a recent enough one.
        }
        try
        {
            if (writes.Count > 0)
            {
                await store.CommitAsync(writes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ConcurrencyConflictException)
        {
            // Someone moved one of the heartbeats (another server's poll, a deregistration) and the commit changed nothing.
            alone = [.. due.Values];
        }
        foreach (var beat in alone)
        {
            await WriteAsync(beat, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Flushes every <see cref="CollectFor"/> while heartbeats keep coming; ends when none came meanwhile.</summary>
    private async Task CollectAsync()
    {
        while (true)
        {
            await Task.Delay(CollectFor, time).ConfigureAwait(false);
            lock (_gate)
            {
                if (_due.Count == 0)
                {
                    _collecting = false;
                    return;
                }
            }
            try
            {
                await FlushAsync(CancellationToken.None).ConfigureAwait(false);
                _outage.Succeeded();
            }
            catch (Exception e)
            {
                // A full disk, a store going away at shutdown: the instance's next poll queues its heartbeat again. An
                // outage is one line, not one per flush (each second while agents poll).
                if (!_outage.Absorbs(e))
                {
                    LogFailed(logger, e.Message);
                }
            }
        }
    }

    /// <summary>One instance's heartbeat in a commit of its own, re-read on a conflict.</summary>
    private Task WriteAsync(Due beat, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var heartbeat = await store.GetAsync(EcsRecords.AgentHeartbeats, beat.Instance.Id, ct).ConfigureAwait(false);
            if (heartbeat is not null && beat.HeardAt - heartbeat.Value.LastSeen < WriteInterval)
            {
                return false;
            }
            var put = EcsRecords.PutHeartbeat(beat.Instance.Value, new AgentHeartbeatRecord(beat.HeardAt), heartbeat?.Version ?? 0);
            if (heartbeat is not null)
            {
                await store.CommitAsync([put], ct).ConfigureAwait(false);
                return true;
            }
            // Registration writes the first heartbeat, so a missing one may be of an instance deregistered meanwhile:
            // created only while the instance is still there, or it would outlive it.
            var current = await store.GetAsync(EcsRecords.ContainerInstanceKind, beat.Instance.Id, ct).ConfigureAwait(false);
            if (current is null)
            {
                return false;
            }
            await store.CommitAsync([put, new RequireVersion(EcsRecords.ContainerInstanceKind, beat.Instance.Id, current.Version)], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private sealed record Due(Versioned<ContainerInstanceRecord> Instance, DateTimeOffset HeardAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing agents' heartbeats failed; their next polls queue them again: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
