using Berth.Core.Logs;
using Berth.Store.Logs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// Enforces PutRetentionPolicy: every sweep deletes the events of each group with a retention policy whose
/// timestamp is older than the retention allows. Level-triggered, so a missed sweep only delays deletion.
/// </summary>
public sealed partial class LogRetentionSweeper(ILogStore logs, ServerOptions options, TimeProvider time, ILogger<LogRetentionSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.LogRetentionSweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Log retention sweep failed; retrying at the next one")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
