using Berth.Core.Events;
using Berth.Store;
using Berth.Store.Events;
using Microsoft.Extensions.Logging;

namespace Berth.Control.Events;

/// <summary>
/// An <see cref="IStateStore"/> that, after each successful commit, appends the events its task and service writes
/// mean (<see cref="EventDerivation"/>) to the event log: nothing is recorded for a commit that failed, and every
/// commit that changed a task's status or added a service event is recorded. Works over either engine.
/// </summary>
/// <remarks>
/// The body before each write is read just before the commit instead of being passed by every caller. That read is
/// exact: a write names the version it expects, so when the commit succeeds the record was at that version, and
/// versions only grow, so the read (taken after the caller's own) saw that very version. It is one primary-key read
/// per updated task or service (new records need none), small beside the commit's own write transaction.
/// Known gap: the two files are not one transaction, so a crash between the state commit and the append loses that
/// commit's events (the state itself is intact).
/// </remarks>
internal sealed partial class EventRecordingStateStore(IStateStore inner, IEventLog events, TimeProvider time, ILogger<EventRecordingStateStore> logger)
    : IStateStore
{
    // Commit and append run one at a time, so the log orders events as the store ordered the commits: without it a
    // task's RUNNING could be appended before the PENDING committed just ahead of it. SQLite runs one writer at a
    // time anyway; only commits with events to record take this.
    private readonly SemaphoreSlim _inOrder = new(1, 1);

    public Task<StoredRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken) => inner.GetAsync(kind, id, cancellationToken);

    public Task<IReadOnlyList<StoredRecord>> QueryAsync(RecordQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

    public Task<IReadOnlyList<RecordVersion>> VersionsAsync(RecordQuery query, CancellationToken cancellationToken) => inner.VersionsAsync(query, cancellationToken);

    public Task<int> CountAsync(RecordQuery query, CancellationToken cancellationToken) => inner.CountAsync(query, cancellationToken);

    public async Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        var reported = writes.OfType<PutRecord>().Where(w => RecordEvents.Reports(w.Kind)).ToList();
        if (reported.Count == 0)
        {
            await inner.CommitAsync(writes, cancellationToken).ConfigureAwait(false);
            return;
        }
        var previousBodies = new List<string?>(reported.Count);
        foreach (var write in reported)
        {
            previousBodies.Add(write.ExpectedVersion == 0
                ? null
                : (await inner.GetAsync(write.Kind, write.Id, cancellationToken).ConfigureAwait(false))?.Body);
        }
        await _inOrder.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await inner.CommitAsync(writes, cancellationToken).ConfigureAwait(false);
            await AppendAsync(reported, previousBodies).ConfigureAwait(false);
        }
        finally
        {
            _inOrder.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        _inOrder.Dispose();
    }

    /// <summary>
    /// The state is committed by now, so the caller must not see a failure (it would retry something that happened);
    /// a failed append is logged, and the append is not cancelled with the request that caused it.
    /// </summary>
    private async Task AppendAsync(List<PutRecord> writes, List<string?> previousBodies)
    {
        try
        {
            var now = time.GetUtcNow();
            var derived = writes.SelectMany((write, i) => RecordEvents.Derive(write.Kind, previousBodies[i], write.Body, now)).ToList();
            await events.AppendAsync(derived, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogAppendFailed(logger, e, writes.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording the events of a commit of {Writes} task and service records failed; the commit stands")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception, int writes);
}
