using Berth.Control.Observability;
using Berth.Core.Concurrency;

namespace Berth.Server.Leadership;

/// <summary>
/// Whether this server holds the controller lease now, and the wait for the next time it does. It owns the terms: each
/// is disposed when the next begins (its token was cancelled first, which is all that its users still look at).
/// </summary>
internal sealed class Leadership : IDisposable
{
    private readonly ChangeNotifier _began = new();
    private volatile LeaderTerm? _term;

    /// <summary>A unique id of this server process: <c>host:pid:random</c>, the random part so a reused pid is still another server.</summary>
    public string ServerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";

    /// <summary>The term in force, or null while another server (or none) holds the lease.</summary>
    public LeaderTerm? Current => _term is { IsActive: true } term ? term : null;

    public async Task<LeaderTerm> NextTermAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            // Taken before the check, so a term that begins in between still wakes this wait.
            var began = _began.Changed;
            if (Current is { } term)
            {
                return term;
            }
            await began.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Begin(LeaderTerm term)
    {
        var previous = _term;
        previous?.End();
        previous?.Dispose();
        _term = term;
        ServerMetrics.SetControllerLeaseHeld(true);
        // Whether it ended by losing, releasing or expiring; a term begun meanwhile keeps the gauge up.
        term.Ended.Register(() => ServerMetrics.SetControllerLeaseHeld(Current is not null));
        _began.Notify();
    }

    /// <summary>Ends the term in force, if any; its controllers stop at once.</summary>
    internal void End() => _term?.End();

    public void Dispose()
    {
        End();
        _term?.Dispose();
    }
}
