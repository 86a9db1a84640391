using Berth.Control.Agents;
using Berth.Store;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// Wakes this server's agent long polls for changes other servers commit to their instances. Every second it lists
/// the versions of every container instance record (<see cref="IStateStore.VersionsAsync"/>: one query, no bodies)
/// and notifies <see cref="AssignmentSignals"/> for each record whose version moved or that went since the last scan.
/// A poll then waits on its signal alone, where each open poll used to re-read its instance every second (2,000 reads a
/// second at 2,000 instances); a change this server commits notifies at once, as before. Runs on every server, as
/// every server holds polls; a store-wide change feed (PostgreSQL LISTEN/NOTIFY) would save the scan, but the scan
/// works alike on both engines and costs one query a second.
/// </summary>
internal sealed class AssignmentWatcher(IStateStore store, AssignmentSignals signals, InstanceVersions instanceVersions, TimeProvider time, ILogger<AssignmentWatcher> logger)
    : PeriodicController(ScanInterval, time, logger)
{
    /// <summary>How late, at most, a poll hears of another server's change (the delay the polls' re-read had).</summary>
    internal static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(1);

    private Dictionary<string, long> _versions = new(StringComparer.Ordinal);

    protected override Task RunPassAsync(CancellationToken cancellationToken) => ScanAsync(cancellationToken);

    /// <summary>One scan: notifies the instances whose record moved or went since the last one.</summary>
    internal async Task ScanAsync(CancellationToken cancellationToken)
    {
        var listed = await store.VersionsAsync(new RecordQuery(EcsRecords.ContainerInstanceKind, null), cancellationToken).ConfigureAwait(false);
        var versions = new Dictionary<string, long>(listed.Count, StringComparer.Ordinal);
        foreach (var record in listed)
        {
            versions[record.Id] = record.Version;
        }
        // Before the polls wake: a woken poll reads its instance only when it knows of a version newer than it holds.
        instanceVersions.Listed(versions);
        foreach (var (id, version) in versions)
        {
            if (_versions.TryGetValue(id, out var known) && known != version)
            {
                signals.Notify(id);
            }
        }
        foreach (var gone in _versions.Keys.Where(id => !versions.ContainsKey(id)))
        {
            signals.Notify(gone);
        }
        _versions = versions;
    }
}
