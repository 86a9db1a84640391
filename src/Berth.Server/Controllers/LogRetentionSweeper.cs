using Berth.Core.Logs;
using Berth.Store.Logs;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// Enforces PutRetentionPolicy: every sweep deletes the events of each group with a retention policy whose
/// timestamp is older than the retention allows. Level-triggered, so a missed sweep only delays deletion.
/// </summary>
internal sealed partial class LogRetentionSweeper(ILogStore logs, ServerOptions options, TimeProvider time, ILogger<LogRetentionSweeper> logger)
    : PeriodicController(options.LogRetentionSweepInterval, time, logger)
{
    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        foreach (var group in await logs.ListGroupsWithRetentionAsync(cancellationToken).ConfigureAwait(false))
        {
            var deleted = await logs.DeleteEventsBeforeAsync(group.Id, RetentionPeriods.CutoffMs(group.RetentionInDays!.Value, now), cancellationToken).ConfigureAwait(false);
            if (deleted > 0)
            {
                LogExpired(logger, deleted, group.Name, group.RetentionInDays.Value);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} log events of {LogGroup} older than its {Days}-day retention")]
    private static partial void LogExpired(ILogger logger, long count, string logGroup, int days);
}
