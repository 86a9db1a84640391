using Berth.Core.Metrics;

namespace Berth.Store.Metrics;

/// <summary>
/// Time series of CloudWatch-style rollups, kept apart from the control-plane state: metrics are written
/// every minute by design, and losing them must never endanger the state. <c>scope</c> is the account and
/// region (CloudWatch metrics are regional).
/// </summary>
public interface IMetricStore : IAsyncDisposable
{
    /// <summary>Adds the points to their series' 1-minute rollups (merging with what the minute already holds).</summary>
    Task PutAsync(string scope, IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken);

    /// <summary>The stored rollups of one series in [from, to), at whatever resolution each age is kept in.</summary>
    Task<StoredSeries?> ReadAsync(string scope, MetricSeries series, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Series of the scope, ordered by (namespace, name, dimensions), written to since <paramref name="activeSince"/>.</summary>
    Task<IReadOnlyList<MetricSeries>> ListAsync(string scope, string? @namespace, string? metricName, DateTimeOffset activeSince,
        int offset, int limit, CancellationToken cancellationToken);

    /// <summary>Rolls data past each tier's retention into the next tier and drops what is past the last one.</summary>
    Task<SweepResult> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

public sealed record SweepResult(long Downsampled, long Deleted, long SeriesDropped);
