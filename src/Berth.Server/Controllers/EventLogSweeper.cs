using Berth.Store.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// Keeps the event log bounded: every sweep drops events older than <see cref="ServerOptions.EventRetention"/> and all
/// but the newest <see cref="ServerOptions.EventRetentionCount"/>. A reader resuming from a pruned id gets what is left.
/// </summary>
public sealed partial class EventLogSweeper(IEventLog events, ServerOptions options, TimeProvider time, ILogger<EventLogSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.EventSweepInterval, time);
        do
        {
            try
            {
                var deleted = await events.PruneAsync(time.GetUtcNow() - options.EventRetention, options.EventRetentionCount, stoppingToken).ConfigureAwait(false);
                if (deleted > 0)
                {
                    LogPruned(logger, deleted);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} events from the event log")]
    private static partial void LogPruned(ILogger logger, long count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event log sweep failed; retrying at the next one")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
