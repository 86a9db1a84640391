using Berth.Control.Observability;
using Berth.Core.Concurrency;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// A background controller that makes one pass at start and then one every <c>interval</c>, and, when it is given
/// <c>wakes</c> notifiers, one as soon as any of them reports a change made in this process (the interval then only
/// catches what another server process changed). Passes are level-triggered (each reads the state it acts on afresh),
/// so a pass that fails is logged and the next one simply does its work: one failure never stops the controller. Passes
/// that fail because the store is unavailable are logged once for the outage (<see cref="StoreOutageLog"/>).
/// </summary>
internal abstract partial class PeriodicController(TimeSpan interval, TimeProvider time, ILogger logger, params ChangeNotifier[] wakes)
    : BackgroundService
{
    protected TimeProvider Time { get; } = time;

    protected ILogger Logger { get; } = logger;

    private StoreOutageLog? _outage;

    /// <summary>One pass; what it finds to do it does now, what it misses the next pass finds again.</summary>
    protected abstract Task RunPassAsync(CancellationToken cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        wakes.Length == 0 ? RunOnTimerAsync(stoppingToken) : RunOnChangesAsync(stoppingToken);

    /// <summary>Passes at a fixed rate: a slow pass delays the next tick rather than queueing several.</summary>
    private async Task RunOnTimerAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, Time);
        do
        {
            await GuardedPassAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>A pass as soon as a change is notified, or <c>interval</c> after the last one without a change.</summary>
    private async Task RunOnChangesAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            // Taken before the pass reads anything, so a change made while it runs wakes the next one.
            var woken = wakes.Length == 1 ? wakes[0].Changed : Task.WhenAny(wakes.Select(w => w.Changed));
            await GuardedPassAsync(stoppingToken).ConfigureAwait(false);
            await ChangeNotifier.ChangedWithinAsync(woken, interval, Time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task GuardedPassAsync(CancellationToken stoppingToken)
    {
        _outage ??= new StoreOutageLog(Logger, GetType().Name);
        try
        {
            await RunPassAsync(stoppingToken).ConfigureAwait(false);
            _outage.Succeeded();
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            if (!_outage.Absorbs(e))
            {
                LogPassFailed(Logger, e, GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Controller} failed; its next pass carries on")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string controller);
}
