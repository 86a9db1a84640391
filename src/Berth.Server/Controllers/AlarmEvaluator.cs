using Berth.Control.Alarms;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// Evaluates every metric alarm once per <see cref="ServerOptions.AlarmEvaluationInterval"/> (a minute, as CloudWatch
/// does), records state changes and runs their actions; each pass also drops history past CloudWatch's retention.
/// </summary>
internal sealed partial class AlarmEvaluator(MetricAlarms alarms, ServerOptions options, TimeProvider time, ILogger<AlarmEvaluator> logger)
    : PeriodicController(options.AlarmEvaluationInterval, time, logger)
{
    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
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
