using Berth.Control.Clusters;
using Berth.Core.ContainerInstances;
using Berth.Core.Placement;
using Berth.Core.State;
using Berth.Store;

namespace Berth.Control.Tasks;

/// <summary>
/// One placement source's instances (a cluster's, an Auto Scaling group's within a cluster, or the Fargate pool) as
/// this server last read them, each with its claims, and the <see cref="ClusterIndex"/> placement runs on, kept across
/// placements. <see cref="RefreshAsync"/> brings it up to the store before each placement by what moved: the instance
/// records and heartbeats this server's commits changed since the last refresh (<see cref="ChangeFeed"/>), of which it
/// reads only the instance records that moved, and their claims only where the assignments version moved (a placement,
/// or a task that stopped). Once every <see cref="ChangeFeed.ListingInterval"/> (and after a conflict) it lists the
/// instance records' versions instead (one query, no bodies), to see what other servers changed and to judge every
/// agent's connection against the clock. A placement then costs the changes since the last one, not the cluster's size.
/// Agents' heartbeats are records of their own (<see cref="EcsRecords.AgentHeartbeats"/>, read through
/// <see cref="ClusterState"/>'s cache), so they move no instance record: they cost no instance read and never make a
/// placement's commit conflict.
/// </summary>
/// <remarks>
/// Why a view that may be stale never overbooks: every commit that adds a claim also moves its instance's record
/// version (<see cref="EcsRecords.BumpAssignments"/>), and a placement commits the version its view holds. A view that
/// missed another writer's placement (another server's, on a shared PostgreSQL) therefore fails its commit with a
/// conflict, and the retry lists (<see cref="ListNext"/>). A claim deleted without an assignments move (a task recorded
/// lost, which happens to disconnected instances) only makes the view see less room than there is; each refresh also
/// re-reads the claims of a few instances read longest ago (<see cref="ClaimsLifetime"/>), which bounds how long that
/// lasts. An agent whose heartbeat ages past <see cref="AgentLiveness.DisconnectedAfter"/> counts as disconnected from
/// the next listing, at most <see cref="ChangeFeed.ListingInterval"/> late.
/// Not thread-safe: used inside the source's <see cref="TurnGate"/> turn only.
/// </remarks>
internal sealed class PlacementView
{
    private const string Inactive = "INACTIVE";

    /// <summary>Claims read longer ago than this are read again, at most <see cref="ClaimsRereadsPerRefresh"/> a refresh.</summary>
    private static readonly TimeSpan ClaimsLifetime = TimeSpan.FromSeconds(30);

    private const int ClaimsRereadsPerRefresh = 16;

    /// <summary>Up to this many moved instance records are read by id (in one read); more, with one query of the whole scope.</summary>
    private const int BodiesReadById = 32;

    private readonly ClusterState _state;

    private readonly AgentLiveness _liveness;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The instances <see cref="Stage"/> changed since the last <see cref="Confirm"/> or <see cref="Revert"/>, as they were before.</summary>
    private readonly Dictionary<string, Entry> _staged = new(StringComparer.Ordinal);

    /// <summary>Record versions of the instances the source's filter left out, so they are not read again unchanged.</summary>
    private readonly Dictionary<string, long> _excluded = new(StringComparer.Ordinal);

    /// <summary>The instances in the order their claims were read (a stale item is skipped): the oldest come first.</summary>
    private readonly Queue<(string Arn, DateTimeOffset ReadAt)> _claimsReadOrder = new();

    /// <summary>Null when instances came or went since it was built: rebuilt whole, once, at the end of a refresh.</summary>
    private ClusterIndex? _index;

    /// <summary>The feed position the view is up to, and when it last listed (null: it must list next).</summary>
    private long _position;

    private DateTimeOffset? _listedAt;

    public PlacementView(ClusterState state, AgentLiveness liveness)
    {
        _state = state;
        _liveness = liveness;
        state.Feed.Follow(EcsRecords.ContainerInstanceKind);
        state.Feed.Follow(EcsRecords.AgentHeartbeats.Kind);
    }

    private sealed record Entry(
        Versioned<ContainerInstanceRecord> Record, IReadOnlyList<TaskAssignmentRecord> Claims, DateTimeOffset ClaimsReadAt, InstanceCandidate Candidate);

    /// <summary>When a placement last used the view (<see cref="PlacementViews"/> drops views left unused).</summary>
    public DateTimeOffset LastUsed { get; set; }

    /// <summary>How many instances the source has, in any status.</summary>
    public int InstanceCount => _entries.Count;

    /// <summary>The index over the instances as of the last refresh.</summary>
    public ClusterIndex Index => _index ?? throw new InvalidOperationException("The placement view is used before its first refresh.");

    /// <summary>The instance's record as of the last refresh: what a commit on it must find unchanged.</summary>
    public Versioned<ContainerInstanceRecord> Record(string containerInstanceArn) => _entries[containerInstanceArn].Record;

    /// <summary>Every instance's record as of the last refresh.</summary>
    public IEnumerable<Versioned<ContainerInstanceRecord>> Records => _entries.Values.Select(e => e.Record);

    /// <summary>Every instance as the index sees it, for a plan that must adjust them first (daemon reservations).</summary>
    public ClusterSnapshot Snapshot() => new([.. _entries.Values.Select(e => e.Candidate)]);

    public InstanceCandidate? Candidate(string containerInstanceArn) =>
        _entries.TryGetValue(containerInstanceArn, out var entry) ? entry.Candidate : null;

    /// <summary>A commit planned on the view conflicted: something moved that the feed did not show (another server's), so the next refresh lists.</summary>
    public void ListNext() => _listedAt = null;

    /// <summary>
    /// Brings the view up to the store (the instance records of <paramref name="scope"/>, the source's): by this server's
    /// changes since the last refresh, or by a listing when the last one is <see cref="ChangeFeed.ListingInterval"/> old,
    /// reading the bodies only of the records whose version moved and the claims only where the assignments moved; drops
    /// the instances gone, and judges the agents' connections from their heartbeats at <paramref name="now"/>.
    /// </summary>
    public async Task RefreshAsync(string scope, Func<ContainerInstanceRecord, bool> include, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var through = _state.Feed.Position;
        var instances = _listedAt is { } listedAt && now - listedAt < ChangeFeed.ListingInterval
            ? _state.Feed.ChangesSince(EcsRecords.ContainerInstanceKind, _position, through)
            : null;
        var heartbeats = instances is null ? null : _state.Feed.ChangesSince(EcsRecords.AgentHeartbeats.Kind, _position, through);
        var changed = new List<InstanceCandidate>();
        try
        {
            if (instances is null || heartbeats is null)
            {
                await ListAsync(scope, include, now, changed, cancellationToken).ConfigureAwait(false);
                _listedAt = now;
            }
            else
            {
                await FollowAsync(scope, include, now, instances, heartbeats, changed, cancellationToken).ConfigureAwait(false);
            }
            await RereadOldClaimsAsync(now, changed, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Entries may have moved without the index: the next refresh builds it from them.
            _index = null;
            throw;
        }
        _position = through;
        if (_index is null)
        {
            _index = new ClusterIndex(new ClusterSnapshot([.. _entries.Values.Select(e => e.Candidate)]));
            return;
        }
        foreach (var candidate in changed)
        {
            _index.Update(candidate);
        }
    }

    /// <summary>Lists the scope's instance versions: takes in what moved, drops what went, and judges every agent's connection.</summary>
    private async Task ListAsync(
        string scope, Func<ContainerInstanceRecord, bool> include, DateTimeOffset now, List<InstanceCandidate> changed, CancellationToken cancellationToken)
    {
        var versions = await _state.Store.VersionsAsync(new RecordQuery(EcsRecords.ContainerInstanceKind, scope), cancellationToken).ConfigureAwait(false);
        // After the instances, so each has its heartbeat here (an instance's first is committed with it).
        var lastSeen = await _state.LastSeenTimesOfScopeAsync(scope, cancellationToken).ConfigureAwait(false);
        var moved = await ReadBodiesAsync(scope, [.. versions
            .Where(v => !(_entries.TryGetValue(v.Id, out var entry) && entry.Record.Version == v.Version)
                && !(_excluded.TryGetValue(v.Id, out var excluded) && excluded == v.Version))
            .Select(v => v.Id)], cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<string>(versions.Count, StringComparer.Ordinal);
        foreach (var listed in versions)
        {
            var connected = _liveness.IsConnected(lastSeen.Of(listed.Id), now);
            if (_entries.TryGetValue(listed.Id, out var entry) && entry.Record.Version == listed.Version)
            {
                seen.Add(listed.Id);
                // Unchanged in the store; only the agent's connection moves, with its heartbeat and the clock.
                Reconnect(entry, connected, changed);
                continue;
            }
            if (_excluded.TryGetValue(listed.Id, out var version) && version == listed.Version)
            {
                seen.Add(listed.Id);
                continue;
            }
            if (moved.TryGetValue(listed.Id, out var stored))
            {
                seen.Add(listed.Id);
                await TakeAsync(stored, include, connected, now, changed, cancellationToken).ConfigureAwait(false);
            }
            // Otherwise deregistered between the listing and the read: gone, as if not listed.
        }
        foreach (var gone in _entries.Keys.Where(arn => !seen.Contains(arn)).ToList())
        {
            changed.AddRange(Remove(gone));
        }
        foreach (var gone in _excluded.Keys.Where(arn => !seen.Contains(arn)).ToList())
        {
            _excluded.Remove(gone);
        }
    }

    /// <summary>
    /// Takes in this server's changes since the last refresh: the instance records of the scope that moved (or went), and
    /// the connections of the agents whose heartbeat moved.
    /// </summary>
    private async Task FollowAsync(
        string scope, Func<ContainerInstanceRecord, bool> include, DateTimeOffset now, IReadOnlyList<RecordChange> instances,
        IReadOnlyList<RecordChange> heartbeats, List<InstanceCandidate> changed, CancellationToken cancellationToken)
    {
        var lastSeen = await _state.LastSeenTimesOfScopeAsync(scope, cancellationToken).ConfigureAwait(false);
        var moved = new List<string>();
        foreach (var change in RecordChange.LatestById(instances).Values)
        {
            if (change.Scope == scope)
            {
                // At or below the version held: a change the view took in already (its own placement's, Committed).
                if (!(_entries.TryGetValue(change.Id, out var entry) && entry.Record.Version >= change.Version)
                    && !(_excluded.TryGetValue(change.Id, out var excluded) && excluded >= change.Version))
                {
                    moved.Add(change.Id);
                }
            }
            else if (change.Deleted)
            {
                changed.AddRange(Remove(change.Id));
                _excluded.Remove(change.Id);
            }
        }
        var bodies = await ReadBodiesAsync(scope, moved, cancellationToken).ConfigureAwait(false);
        foreach (var stored in bodies.Values)
        {
            await TakeAsync(stored, include, _liveness.IsConnected(lastSeen.Of(stored.Id), now), now, changed, cancellationToken).ConfigureAwait(false);
        }
        foreach (var id in moved.Where(id => !bodies.ContainsKey(id)))
        {
            // Deleted since the change (by another server, or by a commit of ours not visible yet).
            changed.AddRange(Remove(id));
            _excluded.Remove(id);
        }
        foreach (var beat in heartbeats.Select(h => h.Id).Distinct(StringComparer.Ordinal))
        {
            if (_entries.TryGetValue(beat, out var entry))
            {
                Reconnect(entry, _liveness.IsConnected(lastSeen.Of(beat), now), changed);
            }
        }
    }

    /// <summary>Takes in an instance record that moved (or is new to the view): left out by the filter, or in with its claims.</summary>
    private async Task TakeAsync(
        StoredRecord stored, Func<ContainerInstanceRecord, bool> include, bool connected, DateTimeOffset now, List<InstanceCandidate> changed,
        CancellationToken cancellationToken)
    {
        var record = new Versioned<ContainerInstanceRecord>(stored.Id, stored.Version, stored.SortKey, EcsRecords.ContainerInstances.Deserialize(stored));
        if (!include(record.Value))
        {
            _excluded[stored.Id] = stored.Version;
            changed.AddRange(Remove(stored.Id));
            return;
        }
        _excluded.Remove(stored.Id);
        var entry = _entries.GetValueOrDefault(stored.Id);
        if (entry is null)
        {
            // A new instance re-sorts the index: rebuilt once at the end of the refresh rather than once per instance.
            _index = null;
        }
        changed.Add(entry is not null && entry.Record.Value.AssignmentsVersion == record.Value.AssignmentsVersion
            ? Put(entry with { Record = record, Candidate = CandidateOf(record, entry.Claims, connected, now) })
            : await ReadClaimsAsync(record, connected, now, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The agent's connection as judged now, where it changed.</summary>
    private void Reconnect(Entry entry, bool connected, List<InstanceCandidate> changed)
    {
        if (connected != entry.Candidate.AgentConnected)
        {
            changed.Add(Put(entry with { Candidate = entry.Candidate with { AgentConnected = connected } }));
        }
    }

    /// <summary>Re-reads the claims of up to <see cref="ClaimsRereadsPerRefresh"/> instances whose claims are older than <see cref="ClaimsLifetime"/>.</summary>
    private async Task RereadOldClaimsAsync(DateTimeOffset now, List<InstanceCandidate> changed, CancellationToken cancellationToken)
    {
        for (var reread = 0; reread < ClaimsRereadsPerRefresh && _claimsReadOrder.TryPeek(out var oldest);)
        {
            if (!_entries.TryGetValue(oldest.Arn, out var entry) || entry.ClaimsReadAt != oldest.ReadAt)
            {
                // Gone, or read again since: a newer item stands for it.
                _claimsReadOrder.Dequeue();
                continue;
            }
            if (now - oldest.ReadAt <= ClaimsLifetime)
            {
                return;
            }
            _claimsReadOrder.Dequeue();
            changed.Add(await ReadClaimsAsync(entry.Record, entry.Candidate.AgentConnected, now, cancellationToken).ConfigureAwait(false));
            reread++;
        }
    }

    /// <summary>
    /// The bodies of the instance records of <paramref name="ids"/> (those that moved), by id: read by id when few
    /// moved, as between placements, else with one query of the whole scope (a first refresh).
    /// </summary>
    private async Task<Dictionary<string, StoredRecord>> ReadBodiesAsync(string scope, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count > BodiesReadById)
        {
            var all = await _state.Store.QueryAsync(new RecordQuery(EcsRecords.ContainerInstanceKind, scope), cancellationToken).ConfigureAwait(false);
            var wanted = ids.ToHashSet(StringComparer.Ordinal);
            return all.Where(r => wanted.Contains(r.Id)).ToDictionary(r => r.Id, StringComparer.Ordinal);
        }
        return (await _state.Store.GetManyAsync(EcsRecords.ContainerInstanceKind, ids, cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    /// <summary>
    /// Takes in <paramref name="claims"/> a placement is about to commit on the instance, so the next plan of the same
    /// batch sees them: the instance's assignments move once per batch however many placements claim on it, as the one
    /// write of <see cref="StagedWrites"/> moves them. The staged changes are then <see cref="Confirm"/>ed after the
    /// commit or <see cref="Revert"/>ed when it does not happen.
    /// </summary>
    public void Stage(string containerInstanceArn, IReadOnlyList<TaskAssignmentRecord> claims, DateTimeOffset now)
    {
        var current = _entries[containerInstanceArn];
        var record = current.Record;
        if (_staged.TryAdd(containerInstanceArn, current))
        {
            // The record as EcsRecords.BumpAssignments writes it: one version on, its assignments moved.
            record = record with { Version = record.Version + 1, Value = record.Value with { AssignmentsVersion = record.Value.AssignmentsVersion + 1 } };
        }
        List<TaskAssignmentRecord> all = [.. current.Claims, .. claims];
        _index?.Update(Put(current with { Record = record, Claims = all, Candidate = CandidateOf(record, all, current.Candidate.AgentConnected, now) }));
    }

    /// <summary>The staged instances' assignment moves, each at the version the view held before the batch: what the commit must find unchanged.</summary>
    public IEnumerable<RecordWrite> StagedWrites() => _staged.Values.Select(before => EcsRecords.BumpAssignments(before.Record));

    /// <summary>The staged changes are committed: the view keeps them. Answers the instances they touched.</summary>
    public IReadOnlyList<string> Confirm()
    {
        var touched = _staged.Keys.ToList();
        _staged.Clear();
        return touched;
    }

    /// <summary>The staged changes were not committed: each instance is put back as it was before the batch.</summary>
    public void Revert()
    {
        foreach (var before in _staged.Values)
        {
            _index?.Update(Put(before));
        }
        _staged.Clear();
    }

    private async Task<InstanceCandidate> ReadClaimsAsync(
        Versioned<ContainerInstanceRecord> record, bool agentConnected, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var claims = (await _state.ClaimsAsync(record.Id, cancellationToken).ConfigureAwait(false)).Select(c => c.Value).ToList();
        _claimsReadOrder.Enqueue((record.Id, now));
        return Put(new Entry(record, claims, now, CandidateOf(record, claims, agentConnected, now)));
    }

    private InstanceCandidate Put(Entry entry)
    {
        _entries[entry.Record.Id] = entry;
        return entry.Candidate;
    }

    /// <summary>Forgets the instance; the answer tells the index it left (as a deregistered instance leaves ACTIVE).</summary>
    private IEnumerable<InstanceCandidate> Remove(string containerInstanceArn)
    {
        if (!_entries.Remove(containerInstanceArn, out var entry))
        {
            return [];
        }
        return [entry.Candidate with { Status = Inactive }];
    }

    private static InstanceCandidate CandidateOf(
        Versioned<ContainerInstanceRecord> record, IReadOnlyList<TaskAssignmentRecord> claims, bool agentConnected, DateTimeOffset now)
    {
        var instance = record.Value.Instance;
        var registered = ContainerInstanceResources.FromRegistration(instance.RegisteredResources);
        return new InstanceCandidate(
            record.Id,
            instance.Ec2InstanceId!,
            instance.Status!,
            agentConnected,
            ContainerInstanceResources.Remaining(registered, claims),
            (instance.Attributes ?? []).ToDictionary(a => a.Name!, a => a.Value, StringComparer.Ordinal),
            claims.Select(c => new PlacedTask(c.TaskArn, c.Group, c.TaskDefinitionFamily)).ToList(),
            instance.RegisteredAt ?? now);
    }
}
