using Berth.Control.AutoScaling;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// Runs Application Auto Scaling's scheduled actions when they fall due, checking as often as alarms are evaluated
/// (<see cref="ServerOptions.MetricMinute"/>): each minute, so an action runs within a minute of its time.
/// </summary>
internal sealed partial class ScheduledScaling(ScalingEngine engine, ServerOptions options, TimeProvider time, ILogger<ScheduledScaling> logger)
    : PeriodicController(options.MetricMinute, time, logger)
{
    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var run = await engine.RunScheduledAsync(Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (run > 0)
        {
            LogRun(logger, run);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ran {Count} scheduled scaling actions")]
    private static partial void LogRun(ILogger logger, int count);
}
