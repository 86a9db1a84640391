using Berth.Core.Events;
using Berth.Store;
using Berth.Store.Events;
using Microsoft.Extensions.Logging;

namespace Berth.Control.Events;

/// <summary>
/// An <see cref="IStateStore"/> that records the events its task and service writes mean (<see cref="EventDerivation"/>)
/// in the event log: nothing for a commit that failed, and every commit that changed a task's status or added a service
/// event. The events are handed to <see cref="EventAppendQueue"/>, which appends them in the order of the commits off
/// the commit's path, so concurrent commits do not wait for each other's appends. Works over either engine.
/// </summary>
/// <remarks>
/// The body before each write is read just before the commit instead of being passed by every caller. That read is
/// exact: a write names the version it expects, so when the commit succeeds the record was at that version, and
/// versions only grow, so the read (taken after the caller's own) saw that very version. It is one read of the updated
/// records of each kind (tasks, services; new records need none), small beside the commit's own write transaction.
/// </remarks>
internal sealed partial class EventRecordingStateStore(IStateStore inner, EventAppendQueue appends, TimeProvider time, ILogger<EventRecordingStateStore> logger)
    : CommitDecorator(inner)
{
    public override async Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        var reported = writes.OfType<PutRecord>().Where(w => RecordEvents.Reports(w.Kind)).ToList();
        if (reported.Count == 0)
        {
            await Inner.CommitAsync(writes, cancellationToken).ConfigureAwait(false);
            return;
        }
        var previousBodies = await PreviousBodiesAsync(reported, cancellationToken).ConfigureAwait(false);
        // Taken after the caller read what it commits, so after the ticket of any commit whose result it read.
        var ticket = appends.Reserve();
        IReadOnlyList<EcsEvent> recorded = [];
        try
        {
            await Inner.CommitAsync(writes, cancellationToken).ConfigureAwait(false);
            recorded = Derive(reported, previousBodies);
        }
        finally
        {
            appends.Complete(ticket, recorded);
        }
    }

    /// <summary>Each write's record's body as it is now (null for a new record), one read per kind for all of them.</summary>
    private async Task<List<byte[]?>> PreviousBodiesAsync(List<PutRecord> writes, CancellationToken cancellationToken)
    {
        var bodies = new Dictionary<(string Kind, string Id), byte[]>();
        foreach (var kind in writes.Where(w => w.ExpectedVersion != 0).GroupBy(w => w.Kind, StringComparer.Ordinal))
        {
            foreach (var record in await Inner.GetManyAsync(kind.Key, [.. kind.Select(w => w.Id)], cancellationToken).ConfigureAwait(false))
            {
                bodies[(record.Kind, record.Id)] = record.Body;
            }
        }
        return [.. writes.Select(w => w.ExpectedVersion == 0 ? null : bodies.GetValueOrDefault((w.Kind, w.Id)))];
    }

    /// <summary>
    /// The queue appends what was handed in before the log closes, whichever of its owners goes first; commits after
    /// that are not recorded.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        await appends.DisposeAsync().ConfigureAwait(false);
        await Inner.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The state is committed by now, so the caller must not see a failure (it would retry something that happened):
    /// a body that cannot be read as events is logged.
    /// </summary>
    private IReadOnlyList<EcsEvent> Derive(List<PutRecord> writes, List<byte[]?> previousBodies)
    {
        try
        {
            var now = time.GetUtcNow();
            return writes.SelectMany((write, i) => RecordEvents.Derive(write.Kind, previousBodies[i], write.Body, now)).ToList();
        }
        catch (Exception e)
        {
            LogDeriveFailed(logger, e, writes.Count);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Deriving the events of a commit of {Writes} task and service records failed; the commit stands")]
    private static partial void LogDeriveFailed(ILogger logger, Exception exception, int writes);
}
