using Berth.Core.Concurrency;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// A background controller that makes one pass at start and then one every <c>interval</c>, and, when it is given a
/// <c>wakes</c> notifier, one as soon as that notifier reports a change made in this process (the interval then only
/// catches what another server process changed). Passes are level-triggered (each reads the state it acts on afresh),
/// so a pass that fails is logged and the next one simply does its work: one failure never stops the controller.
/// </summary>
internal abstract partial class PeriodicController(TimeSpan interval, TimeProvider time, ILogger logger, ChangeNotifier? wakes = null)
    : BackgroundService
{
    protected TimeProvider Time { get; } = time;

    /// <summary>One pass; what it finds to do it does now, what it misses the next pass finds again.</summary>
    protected abstract Task RunPassAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, Time);
        do
        {
            // Taken before the pass reads anything, so a change made while it runs wakes the next one.
            var woken = wakes?.Changed;
            try
            {
                await RunPassAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, e, GetType().Name);
            }
            if (woken is not null)
            {
                await ChangeNotifier.ChangedWithinAsync(woken, interval, Time, stoppingToken).ConfigureAwait(false);
            }
        }
        // A woken controller waits on its notifier above; the timer then only keeps unwoken ones at a fixed rate.
        while (wakes is not null || await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Controller} failed; its next pass carries on")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string controller);
}
