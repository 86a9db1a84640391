using Berth.Control.Daemons;
using Berth.Control.Services;
using Berth.Core.Daemons;
using Berth.Store;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// The daemon scheduler: runs a round for a daemon (<see cref="DaemonReconciler"/>) whenever one of its tasks changed, for
/// every daemon whenever a daemon request or a stopped task changed something, and at least every
/// <see cref="ServerOptions.ServiceSchedulerInterval"/> (<see cref="ReconcileEachController"/>), so a new
/// container instance gets its daemon tasks within a round of registering. Rounds are level-triggered
/// (<see cref="DaemonPlanner"/>): a missed wake-up or a restart only delays convergence.
/// </summary>
internal sealed class DaemonController(
    IStateStore store, DaemonReconciler reconciler, DaemonSignal daemons, ServiceSignal tasks, ServerOptions options, TimeProvider time,
    ILogger<DaemonController> logger) : ReconcileEachController(options.ServiceSchedulerInterval, time, logger, daemons, tasks)
{
    protected override async Task<IEnumerable<string>> SubjectsAsync(CancellationToken cancellationToken)
    {
        var all = await store.QueryAsync(DaemonRecords.Daemons, new RecordQuery(DaemonRecords.Daemons.Kind, null), cancellationToken).ConfigureAwait(false);
        return all.Select(d => d.Id);
    }

    protected override bool IsSubject(string id) => DaemonArns.TryParseDaemon(id, out _, out _, out _);

    protected override Task ReconcileAsync(string id, CancellationToken cancellationToken) => reconciler.ReconcileAsync(id, cancellationToken);
}
