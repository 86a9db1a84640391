using System.Collections.Concurrent;

namespace Berth.Control.Tasks;

/// <summary>
/// Lets one piece of work per key at a time through on this server: one placement per source (cluster or capacity
/// provider; why, in <see cref="TaskLauncher"/>), one batch of agents' reports (<see cref="TaskReportBatches"/>). A turn
/// runs a whole batch of the requests waiting for it (<see cref="TurnBatches{TRequest, TResult}"/>).
/// </summary>
internal sealed class TurnGate
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _keys = new(StringComparer.Ordinal);

    /// <summary>Waits for the key's turn; disposing the answer gives it to the next caller.</summary>
    public async Task<IDisposable> EnterAsync(string key, CancellationToken cancellationToken)
    {
        var gate = _keys.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
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
