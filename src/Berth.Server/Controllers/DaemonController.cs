using Berth.Control.Daemons;
using Berth.Control.Services;
using Berth.Core.Concurrency;
using Berth.Core.Daemons;
using Berth.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// The daemon scheduler: runs a round for every daemon (<see cref="DaemonReconciler"/>) whenever a daemon request or a
/// task report changed something, and at least every <see cref="ServerOptions.ServiceSchedulerInterval"/>, so a new
/// container instance gets its daemon tasks within a round of registering. Rounds are level-triggered
/// (<see cref="DaemonPlanner"/>): a missed wake-up or a restart only delays convergence.
/// </summary>
internal sealed partial class DaemonController(
    IStateStore store, DaemonReconciler reconciler, DaemonSignal daemons, ServiceSignal tasks, ServerOptions options, TimeProvider time,
    ILogger<DaemonController> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = Task.WhenAny(daemons.Changed, tasks.Changed);
            await RoundAsync(stoppingToken).ConfigureAwait(false);
            await ChangeNotifier.ChangedWithinAsync(changed, options.ServiceSchedulerInterval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task RoundAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<Versioned<DaemonRecord>> all;
        try
        {
            all = await store.QueryAsync(DaemonRecords.Daemons, new RecordQuery(DaemonRecords.Daemons.Kind, null), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRoundFailed(logger, e);
            return;
        }
        foreach (var daemon in all)
        {
            try
            {
                await reconciler.ReconcileAsync(daemon.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One broken daemon must not stall the others; the next round tries it again.
                LogDaemonFailed(logger, e, daemon.Id);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading daemons failed; retrying on the next round")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduling daemon {DaemonArn} failed; retrying on the next round")]
    private static partial void LogDaemonFailed(ILogger logger, Exception exception, string daemonArn);
}
