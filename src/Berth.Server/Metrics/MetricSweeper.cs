using Berth.Store.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Metrics;

/// <summary>Downsamples and expires metric data on a timer, which keeps the metrics file's size bounded.</summary>
public sealed partial class MetricSweeper(IMetricStore store, ServerOptions options, TimeProvider time, ILogger<MetricSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.MetricSweepInterval, time);
        do
        {
            try
            {
                var result = await store.SweepAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                if (result.Deleted > 0)
                {
                    LogSwept(logger, result.Downsampled, result.Deleted, result.SeriesDropped);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metric sweep: {Downsampled} rollups written at coarser resolution, {Deleted} rows removed, {SeriesDropped} empty series dropped")]
    private static partial void LogSwept(ILogger logger, long downsampled, long deleted, long seriesDropped);

    [LoggerMessage(Level = LogLevel.Error, Message = "Metric sweep failed; retrying at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
