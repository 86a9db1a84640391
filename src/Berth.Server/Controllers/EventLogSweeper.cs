using Berth.Store.Events;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// Keeps the event log bounded: every sweep drops events older than <see cref="ServerOptions.EventRetention"/> and all
/// but the newest <see cref="ServerOptions.EventRetentionCount"/>. A reader resuming from a pruned id gets what is left.
/// </summary>
internal sealed partial class EventLogSweeper(IEventLog events, ServerOptions options, TimeProvider time, ILogger<EventLogSweeper> logger)
    : PeriodicController(options.EventSweepInterval, time, logger)
{
    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var deleted = await events.PruneAsync(Time.GetUtcNow() - options.EventRetention, options.EventRetentionCount, cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            LogPruned(logger, deleted);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} events from the event log")]
    private static partial void LogPruned(ILogger logger, long count);
}
