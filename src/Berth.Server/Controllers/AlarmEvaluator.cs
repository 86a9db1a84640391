using Berth.Control.Alarms;
using Berth.Control.Observability;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// Evaluates every metric alarm once per minute of the <see cref="MetricClock"/> (a minute, as CloudWatch does, unless
/// shortened for tests), records state changes and runs their actions; each pass also drops history past CloudWatch's
/// retention.
/// </summary>
internal sealed partial class AlarmEvaluator(MetricAlarms alarms, TimeProvider time, MetricClock clock, ILogger<AlarmEvaluator> logger)
    : PeriodicController(TimeSpan.FromMinutes(1), clock, logger)
{
    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var changed = await alarms.EvaluateAllAsync(now, cancellationToken).ConfigureAwait(false);
        var purged = await alarms.PurgeHistoryAsync(now, cancellationToken).ConfigureAwait(false);
        if (changed > 0 || purged > 0)
        {
            LogPass(logger, changed, purged);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Alarm evaluation: {Changed} alarms changed state, {Purged} history items expired")]
    private static partial void LogPass(ILogger logger, int changed, int purged);
}
