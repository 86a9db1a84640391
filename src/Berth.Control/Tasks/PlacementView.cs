using Berth.Control.Clusters;
using Berth.Core.ContainerInstances;
using Berth.Core.Placement;
using Berth.Core.State;
using Berth.Store;

namespace Berth.Control.Tasks;

/// <summary>
/// One placement source's instances (a cluster's, an Auto Scaling group's within a cluster, or the Fargate pool) as
/// this server last read them, each with its claims, and the <see cref="ClusterIndex"/> placement runs on, kept across
/// placements. <see cref="RefreshAsync"/> brings it up to the store before each placement: it lists the instance
/// records' versions (one query, no bodies), reads only the records whose version moved, and re-reads the claims only of instances
/// whose assignments version moved (a placement, or a task that stopped). A placement then costs one query and the
/// changes since the last one instead of a query per instance. Agents' heartbeats are records of their own
/// (<see cref="EcsRecords.AgentHeartbeats"/>), read whole each refresh (they are small), so they move no instance
/// record: they cost no instance read and never make a placement's commit conflict.
/// </summary>
/// <remarks>
/// Why a view that may be stale never overbooks: every commit that adds a claim also moves its instance's record
/// version (<see cref="EcsRecords.BumpAssignments"/>), and a placement commits the version its view holds. A view that
/// missed another writer's placement (another server's, on a shared PostgreSQL) therefore fails its commit with a
/// conflict, and the retry refreshes. A claim deleted without an assignments move (a task recorded lost, which happens
/// to disconnected instances) only makes the view see less room than there is; each refresh also re-reads the claims
/// of a few instances read longest ago (<see cref="ClaimsLifetime"/>), which bounds how long that lasts.
/// Not thread-safe: used inside the source's <see cref="PlacementGate"/> turn only.
/// </remarks>
internal sealed class PlacementView(ClusterState state, AgentLiveness liveness)
{
    private const string Inactive = "INACTIVE";

    /// <summary>Claims read longer ago than this are read again, at most <see cref="ClaimsRereadsPerRefresh"/> a refresh.</summary>
    private static readonly TimeSpan ClaimsLifetime = TimeSpan.FromSeconds(30);

    private const int ClaimsRereadsPerRefresh = 16;

    /// <summary>Up to this many moved instance records are read one by one; more, with one query of the whole scope.</summary>
    private const int BodiesReadOneByOne = 32;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Record versions of the instances the source's filter left out, so they are not read again unchanged.</summary>
    private readonly Dictionary<string, long> _excluded = new(StringComparer.Ordinal);

    /// <summary>Null when instances came or went since it was built: rebuilt whole, once, at the end of a refresh.</summary>
    private ClusterIndex? _index;

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

    /// <summary>
    /// Brings the view up to the store: lists the versions of the instance records of <paramref name="scope"/> (the
    /// source's), reads the bodies only of those whose version moved, and their claims only where the assignments moved;
    /// drops the instances gone, and judges every agent's connection from its heartbeat at <paramref name="now"/>.
    /// </summary>
    public async Task RefreshAsync(string scope, Func<ContainerInstanceRecord, bool> include, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var versions = await state.Store.VersionsAsync(new RecordQuery(EcsRecords.ContainerInstanceKind, scope), cancellationToken).ConfigureAwait(false);
        // After the instances, so each has its heartbeat here (an instance's first is committed with it).
        var lastSeen = await state.LastSeenTimesOfScopeAsync(scope, cancellationToken).ConfigureAwait(false);
        var moved = await ReadMovedAsync(scope, versions, cancellationToken).ConfigureAwait(false);
        var changed = new List<InstanceCandidate>();
        var seen = new HashSet<string>(versions.Count, StringComparer.Ordinal);
        try
        {
            foreach (var listed in versions)
            {
                var connected = liveness.IsConnected(lastSeen.Of(listed.Id), now);
                if (_entries.TryGetValue(listed.Id, out var entry) && entry.Record.Version == listed.Version)
                {
                    seen.Add(listed.Id);
                    // Unchanged in the store; only the agent's connection moves, with its heartbeat and the clock.
                    if (connected != entry.Candidate.AgentConnected)
                    {
                        changed.Add(Put(entry with { Candidate = entry.Candidate with { AgentConnected = connected } }));
                    }
                    continue;
                }
                if (_excluded.TryGetValue(listed.Id, out var version) && version == listed.Version)
                {
                    seen.Add(listed.Id);
                    continue;
                }
                if (!moved.TryGetValue(listed.Id, out var stored))
                {
                    // Deregistered between the listing and the read: gone, as if not listed.
                    continue;
                }
                seen.Add(listed.Id);
                var record = new Versioned<ContainerInstanceRecord>(stored.Id, stored.Version, stored.SortKey, EcsRecords.ContainerInstances.Deserialize(stored));
                if (!include(record.Value))
                {
                    _excluded[stored.Id] = stored.Version;
                    changed.AddRange(Remove(stored.Id));
                    continue;
                }
                _excluded.Remove(stored.Id);
                if (entry is null)
                {
                    // A new instance re-sorts the index: rebuilt once below rather than once per instance.
                    _index = null;
                }
                changed.Add(entry is not null && entry.Record.Value.AssignmentsVersion == record.Value.AssignmentsVersion
                    ? Put(entry with { Record = record, Candidate = CandidateOf(record, entry.Claims, connected, now) })
                    : await ReadClaimsAsync(record, connected, now, cancellationToken).ConfigureAwait(false));
            }
            var expired = _entries.Values.Where(e => now - e.ClaimsReadAt > ClaimsLifetime).Take(ClaimsRereadsPerRefresh).ToList();
            foreach (var entry in expired)
            {
                changed.Add(await ReadClaimsAsync(entry.Record, entry.Candidate.AgentConnected, now, cancellationToken).ConfigureAwait(false));
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
        catch
        {
            // Entries may have moved without the index: the next refresh builds it from them.
            _index = null;
            throw;
        }
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

    /// <summary>
    /// The bodies of the instance records whose version moved since the view read them (or that it never read), by id:
    /// one at a time when few moved, as between placements, else the whole scope in one query (a first refresh).
    /// </summary>
    private async Task<Dictionary<string, StoredRecord>> ReadMovedAsync(string scope, IReadOnlyList<RecordVersion> versions, CancellationToken cancellationToken)
    {
        var moved = versions
            .Where(v => !(_entries.TryGetValue(v.Id, out var entry) && entry.Record.Version == v.Version)
                && !(_excluded.TryGetValue(v.Id, out var excluded) && excluded == v.Version))
            .ToList();
        if (moved.Count > BodiesReadOneByOne)
        {
            var all = await state.Store.QueryAsync(new RecordQuery(EcsRecords.ContainerInstanceKind, scope), cancellationToken).ConfigureAwait(false);
            return all.ToDictionary(r => r.Id, StringComparer.Ordinal);
        }
        var bodies = new Dictionary<string, StoredRecord>(moved.Count, StringComparer.Ordinal);
        foreach (var version in moved)
        {
            if (await state.Store.GetAsync(EcsRecords.ContainerInstanceKind, version.Id, cancellationToken).ConfigureAwait(false) is { } body)
            {
                bodies.Add(body.Id, body);
            }
        }
        return bodies;
    }

    /// <summary>
    /// This server committed <paramref name="claims"/> on the instance together with <paramref name="record"/> (its
    /// assignments bumped at the version the view held): the view takes them in without reading them back.
    /// </summary>
    public void Committed(Versioned<ContainerInstanceRecord> record, IReadOnlyList<TaskAssignmentRecord> claims, DateTimeOffset now)
    {
        var previous = _entries[record.Id];
        List<TaskAssignmentRecord> all = [.. previous.Claims, .. claims];
        _index?.Update(Put(previous with { Record = record, Claims = all, Candidate = CandidateOf(record, all, previous.Candidate.AgentConnected, now) }));
    }

    private async Task<InstanceCandidate> ReadClaimsAsync(
        Versioned<ContainerInstanceRecord> record, bool agentConnected, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var claims = (await state.ClaimsAsync(record.Id, cancellationToken).ConfigureAwait(false)).Select(c => c.Value).ToList();
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
