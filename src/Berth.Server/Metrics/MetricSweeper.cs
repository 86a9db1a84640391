using Berth.Server.Controllers;
using Berth.Store.Metrics;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Metrics;

/// <summary>Downsamples and expires metric data on a timer, which keeps the metrics file's size bounded.</summary>
internal sealed partial class MetricSweeper(IMetricStore store, ServerOptions options, TimeProvider time, ILogger<MetricSweeper> logger)
    : PeriodicController(options.MetricSweepInterval, time, logger)
{
    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var result = await store.SweepAsync(Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (result.Deleted > 0)
        {
            LogSwept(logger, result.Downsampled, result.Deleted, result.SeriesDropped);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metric sweep: {Downsampled} rollups written at coarser resolution, {Deleted} rows removed, {SeriesDropped} empty series dropped")]
    private static partial void LogSwept(ILogger logger, long downsampled, long deleted, long seriesDropped);
}
