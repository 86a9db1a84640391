using Berth.Control.Services;
using Berth.Core.Concurrency;
using Berth.Core.Services;
using Berth.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// The ECS service scheduler: runs a round for every live service whenever something changed (a service request,
/// a task report) and at least every <see cref="ServerOptions.ServiceSchedulerInterval"/>. Each round is
/// level-triggered (<see cref="ServicePlanner"/>), so a missed wake-up or a restart only delays convergence.
/// </summary>
internal sealed partial class ServiceScheduler(
    IStateStore store, ServiceReconciler reconciler, ServiceSignal signal, ServerOptions options, TimeProvider time, ILogger<ServiceScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = signal.Changed;
            await RoundAsync(stoppingToken).ConfigureAwait(false);
            // Woken or not, the next round runs: without a change it is the periodic one.
            await ChangeNotifier.ChangedWithinAsync(changed, options.ServiceSchedulerInterval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task RoundAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<Versioned<Core.State.ServiceRecord>> services;
        try
        {
            services = await store.QueryAsync(EcsRecords.Services, new RecordQuery(EcsRecords.Services.Kind, null), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRoundFailed(logger, e);
            return;
        }
        foreach (var service in services.Where(s => s.Value.Service.Status != ServiceStatuses.Inactive))
        {
            try
            {
                await reconciler.ReconcileAsync(service.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One broken service must not stall the others; the next round tries it again.
                LogServiceFailed(logger, e, service.Id);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading services failed; retrying on the next round")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduling service {ServiceArn} failed; retrying on the next round")]
    private static partial void LogServiceFailed(ILogger logger, Exception exception, string serviceArn);
}
