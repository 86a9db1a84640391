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
/// <remarks>
/// A version this server's own commit left (its <see cref="ChangeFeed"/> says so) is not notified again: whoever
/// committed it notified the instance's polls at once (a placement, a stop, a report that gave a claim back,
/// registration and deregistration; the other writes of an instance record leave its assignments version, all a poll
/// acts on, alone), and a second wake a second later only had every such poll read its instance again and wait anew,
/// about once per task placed (docs/performance.md, "the request path and wake-ups per task"). A version another
/// server's commit left, or one the feed cannot vouch for (this server's commits whose outcome is unknown, or older
/// than the feed keeps), is notified as before.
/// </remarks>
internal sealed class AssignmentWatcher : PeriodicController
{
    /// <summary>How late, at most, a poll hears of another server's change (the delay the polls' re-read had).</summary>
    internal static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(1);

    private readonly IStateStore _store;
    private readonly ChangeFeed _feed;
    private readonly AssignmentSignals _signals;

    private Dictionary<string, long> _versions = new(StringComparer.Ordinal);

    /// <summary>The feed's position the last scan took this server's changes up to.</summary>
    private long _followed;

    public AssignmentWatcher(IStateStore store, ChangeFeed feed, AssignmentSignals signals, TimeProvider time, ILogger<AssignmentWatcher> logger)
        : base(ScanInterval, time, logger)
    {
        (_store, _feed, _signals) = (store, feed, signals);
        feed.Follow(EcsRecords.ContainerInstanceKind);
        _followed = feed.Position;
    }

    protected override Task RunPassAsync(CancellationToken cancellationToken) => ScanAsync(cancellationToken);

    /// <summary>One scan: notifies the instances whose record moved or went since the last one, but for this server's own changes.</summary>
    internal async Task ScanAsync(CancellationToken cancellationToken)
    {
        // Taken before the listing, so every change of this server up to it is in the listing or older than what it shows.
        var through = _feed.Position;
        var listed = await _store.VersionsAsync(new RecordQuery(EcsRecords.ContainerInstanceKind, null), cancellationToken).ConfigureAwait(false);
        var ours = _feed.ChangesSince(EcsRecords.ContainerInstanceKind, _followed, through) is { } changes ? RecordChange.LatestById(changes) : [];
        _followed = through;
        var versions = new Dictionary<string, long>(listed.Count, StringComparer.Ordinal);
        foreach (var record in listed)
        {
            versions[record.Id] = record.Version;
            if (_versions.TryGetValue(record.Id, out var known) && known != record.Version
                && !(ours.TryGetValue(record.Id, out var own) && !own.Deleted && own.Version == record.Version))
            {
                _signals.Notify(record.Id);
            }
        }
        foreach (var gone in _versions.Keys.Where(id => !versions.ContainsKey(id)))
        {
            _signals.Notify(gone);
        }
        _versions = versions;
    }
}
