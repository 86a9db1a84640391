using Berth.Core.Concurrency;
using Berth.Store;

namespace Berth.Control.Secrets;

/// <summary>
/// Wakes the redeployment sweep (<see cref="SecretRedeployments"/>) in this process when a parameter or secret was
/// written, so a service that opted in redeploys at once and an idle server reads no service records at all. Writes
/// made by another server process are found by the sweep's slower periodic pass.
/// </summary>
public sealed class SecretChanges : ChangeNotifier
{
    /// <summary>Commits a write of parameters or secrets, then wakes the sweep.</summary>
    internal async Task CommitAsync(IStateStore store, IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        await store.CommitAsync(writes, cancellationToken).ConfigureAwait(false);
        Notify();
    }
}
