using System.Collections.Concurrent;
using Berth.Core.State;
using Berth.Store;

namespace Berth.Api.Agent;

/// <summary>
/// Each polled instance's record as this server last read it, deserialized once per version. A poll reads its instance
/// at every wake, and each task placed on it wakes about three: the placement's own signal, the agent's next poll (a new
/// request, which reads before it waits) and the assignment watcher's scan a second later; the record (attributes,
/// resources, some 850 bytes of JSON) moved at the first of these only.
/// </summary>
/// <remarks>
/// The read itself is made every time, so the poll sees what is stored as before; a version that matches the kept one is
/// exactly that record (every write by any server moves it). One record per instance polled here, dropped at its
/// poll's 410.
/// </remarks>
internal sealed class KeptInstances(IStateStore store)
{
    private readonly ConcurrentDictionary<string, Versioned<ContainerInstanceRecord>> _byArn = new(StringComparer.Ordinal);

    /// <summary>The instance's record as stored now; null when it is not registered.</summary>
    public async Task<Versioned<ContainerInstanceRecord>?> ReadAsync(string instanceArn, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(EcsRecords.ContainerInstances.Kind, instanceArn, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return null;
        }
        if (_byArn.TryGetValue(instanceArn, out var kept) && kept.Version == record.Version)
        {
            return kept;
        }
        var read = new Versioned<ContainerInstanceRecord>(record.Id, record.Version, record.SortKey, EcsRecords.ContainerInstances.Deserialize(record));
        _byArn[instanceArn] = read;
        return read;
    }

    public void Forget(string instanceArn) => _byArn.TryRemove(instanceArn, out _);
}
