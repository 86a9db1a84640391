using System.Collections.Concurrent;
using Berth.Control.Agents;
using Berth.Core.State;
using Berth.Store;

namespace Berth.Api.Agent;

/// <summary>
/// Each polled instance's record as this server last read it, deserialized once per version. A poll looks at its
/// instance at every wake, and each task placed on it wakes about three: the placement's own signal, the agent's next poll
/// (a new request, which looks before it waits) and the assignment watcher's scan a second later; the record (attributes,
/// resources, some 850 bytes of JSON) moved at the first of these only.
/// </summary>
/// <remarks>
/// The store is read only when <see cref="InstanceVersions"/> knows of a newer version than the kept one (this server
/// committed one, or the assignment watcher listed one), or of none yet: every write by any server moves the version, and
/// a poll is woken by each such change only once this server knows of it. One record per instance polled here, dropped at
/// its poll's 410.
/// </remarks>
internal sealed class KeptInstances(IStateStore store, InstanceVersions versions)
{
    private readonly ConcurrentDictionary<string, Versioned<ContainerInstanceRecord>> _byArn = new(StringComparer.Ordinal);

    /// <summary>The instance's record as stored now, as far as this server knows; null when it is not registered.</summary>
    public async Task<Versioned<ContainerInstanceRecord>?> ReadAsync(string instanceArn, CancellationToken cancellationToken)
    {
        if (_byArn.TryGetValue(instanceArn, out var kept) && versions.IsNewest(instanceArn, kept.Version))
        {
            return kept;
        }
        var mark = versions.BeginRead(instanceArn);
        if (await store.GetAsync(EcsRecords.ContainerInstances.Kind, instanceArn, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return null;
        }
        versions.EndRead(instanceArn, record.Version, mark);
        if (kept is not null && kept.Version == record.Version)
        {
            return kept;
        }
        var read = new Versioned<ContainerInstanceRecord>(record.Id, record.Version, record.SortKey, EcsRecords.ContainerInstances.Deserialize(record));
        // Two polls of one instance (an agent that re-polled while its old poll still waits) may read at once: the
        // newer of their reads is kept.
        return _byArn.AddOrUpdate(instanceArn, read, (_, other) => other.Version > read.Version ? other : read);
    }

    public void Forget(string instanceArn)
    {
        _byArn.TryRemove(instanceArn, out _);
        versions.Forget(instanceArn);
    }
}
