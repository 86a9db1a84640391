using Berth.Core.Events;
using Berth.Store.Events;

namespace Berth.Control.Events;

/// <summary>
/// The event log as its readers (<c>GET /_berth/events</c>, <c>berth events</c>, retention) see it: a read first waits
/// until the events of every commit that had started are appended (<see cref="EventAppendQueue.CaughtUpAsync"/>), so
/// whoever was told a commit succeeded and reads the log next finds that commit's events there.
/// </summary>
internal sealed class CaughtUpEventLog(IEventLog log, EventAppendQueue queue) : IEventLog
{
    public Task Appended => log.Appended;

    public Task AppendAsync(IReadOnlyList<EcsEvent> events, CancellationToken cancellationToken) => log.AppendAsync(events, cancellationToken);

    public async Task<IReadOnlyList<LoggedEvent>> ReadAsync(EventLogQuery query, CancellationToken cancellationToken)
    {
        await queue.CaughtUpAsync(cancellationToken).ConfigureAwait(false);
        return await log.ReadAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> LatestSequenceAsync(CancellationToken cancellationToken)
    {
        await queue.CaughtUpAsync(cancellationToken).ConfigureAwait(false);
        return await log.LatestSequenceAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<long> PruneAsync(DateTimeOffset olderThan, int keep, CancellationToken cancellationToken) => log.PruneAsync(olderThan, keep, cancellationToken);

    /// <summary>The queue appends what it holds before the log closes, whichever of its owners goes first.</summary>
    public async ValueTask DisposeAsync()
    {
        await queue.DisposeAsync().ConfigureAwait(false);
        await log.DisposeAsync().ConfigureAwait(false);
    }
}
