using System.Collections.Concurrent;

namespace Berth.Control.Tasks;

/// <summary>
/// Runs the requests waiting on one key together, as a group commit does: each caller queues its request and waits
/// for the key's <see cref="TurnGate"/> turn; the caller that gets it runs every request queued by then (up to
/// <see cref="MaxBatch"/>), its own and those of the callers still waiting, who find theirs answered when their turn
/// comes. Under load, eight RunTask calls waiting on one cluster then cost one refresh of the placement view and one
/// commit instead of eight of each in a row, and agents' reports one commit (<see cref="TaskReportBatches"/>); alone,
/// a request is a batch of one and waits for nothing.
/// </summary>
internal sealed class TurnBatches<TRequest, TResult>
{
    /// <summary>The most requests one batch takes, so a turn stays short when many wait (RunTask places up to 10 tasks a request).</summary>
    private const int MaxBatch = 32;

    private readonly TurnGate _gate = new();

    private readonly ConcurrentDictionary<string, ConcurrentQueue<Queued>> _queues = new(StringComparer.Ordinal);

    /// <summary>A request waiting to be run, and its answer once a batch ran it (or failed it).</summary>
    public sealed class Queued(TRequest request, CancellationToken cancellationToken)
    {
        private readonly TaskCompletionSource<TResult> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TRequest Request => request;

        public bool Answered => _answer.Task.IsCompleted;

        public void Answer(TResult result) => _answer.TrySetResult(result);

        public void Fail(Exception error) => _answer.TrySetException(error);

        internal Task<TResult> Outcome => _answer.Task;

        /// <summary>The caller gave up before a batch took it (its request ended): it is answered as cancelled, and not run.</summary>
        internal bool Abandoned() => cancellationToken.IsCancellationRequested && _answer.TrySetCanceled(cancellationToken);
    }

    /// <summary>
    /// Queues the request on <paramref name="key"/> and answers it once a batch ran it: this caller's own
    /// <paramref name="run"/>, which must answer or fail every request it is given, or another caller's.
    /// </summary>
    public async Task<TResult> RunAsync(string key, TRequest request, Func<IReadOnlyList<Queued>, Task> run, CancellationToken cancellationToken)
    {
        var queued = new Queued(request, cancellationToken);
        var queue = _queues.GetOrAdd(key, _ => new ConcurrentQueue<Queued>());
        queue.Enqueue(queued);
        using (await _gate.EnterAsync(key, cancellationToken).ConfigureAwait(false))
        {
            while (!queued.Answered)
            {
                var batch = Take(queue);
                try
                {
                    await run(batch).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // The batch's callers wait on their answers: none may be left without one.
                    foreach (var waiting in batch)
                    {
                        waiting.Fail(e);
                    }
                }
            }
        }
        return await queued.Outcome.ConfigureAwait(false);
    }

    /// <summary>A turn on the key's gate for work that does not batch (StartTask's placement on named instances).</summary>
    public Task<IDisposable> EnterAloneAsync(string key, CancellationToken cancellationToken) => _gate.EnterAsync(key, cancellationToken);

    /// <summary>The requests queued now, oldest first, without those whose callers gave up.</summary>
    private static List<Queued> Take(ConcurrentQueue<Queued> queue)
    {
        var batch = new List<Queued>();
        while (batch.Count < MaxBatch && queue.TryDequeue(out var next))
        {
            if (!next.Abandoned())
            {
                batch.Add(next);
            }
        }
        return batch;
    }
}
