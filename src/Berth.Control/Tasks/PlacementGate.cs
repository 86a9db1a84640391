using System.Collections.Concurrent;

namespace Berth.Control.Tasks;

/// <summary>
/// Lets one placement per cluster at a time through on this server (read the snapshot, plan, commit), as
/// Nomad's leader applies one plan at a time. Placements race on the instances they pick: without the gate,
/// RunTask calls and the service scheduler placing on one cluster at once kept committing over each other's
/// snapshots, and under load a RunTask could lose every one of its attempts and fail with a 500 (found by
/// bench/Berth.Bench.Scale). Placements from other servers still meet as optimistic-concurrency conflicts and
/// re-plan; the gate only stops this server from conflicting with itself. A turn places a whole batch of the requests
/// waiting for it (<see cref="PlacementBatches{TRequest, TResult}"/>).
/// </summary>
internal sealed class PlacementGate
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _clusters = new(StringComparer.Ordinal);

    /// <summary>Waits for the cluster's turn; disposing the answer gives it to the next placement.</summary>
    public async Task<IDisposable> EnterAsync(string clusterArn, CancellationToken cancellationToken)
    {
        var gate = _clusters.GetOrAdd(clusterArn, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Turn(gate);
    }

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
