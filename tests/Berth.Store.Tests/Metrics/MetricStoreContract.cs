using Berth.Core.Metrics;
using Berth.Store.Metrics;

namespace Berth.Store.Tests.Metrics;

/// <summary>What every <see cref="IMetricStore"/> engine must do; each test gets an empty store of its own.</summary>
public abstract class MetricStoreContract : IAsyncLifetime
{
    private const string Scope = "000000000000/us-east-1";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly MetricSeries Series = new("App", "Latency", [new("Service", "web")]);

    private IMetricStore _store = null!;

    protected abstract Task<IMetricStore> OpenEmptyStoreAsync();

    public virtual async Task InitializeAsync() => _store = await OpenEmptyStoreAsync();

    public virtual async Task DisposeAsync() => await _store.DisposeAsync();

    private Task PutAsync(DateTimeOffset time, double value) =>
        _store.PutAsync(Scope, [new MetricPoint(Series, time, Rollup.Of(value), "Milliseconds")], CancellationToken.None);

    [Fact]
    public async Task Points_of_one_minute_merge_into_one_rollup()
    {
        await PutAsync(Now.AddSeconds(5), 10);
        await PutAsync(Now.AddSeconds(50), 30);

        var stored = await _store.ReadAsync(Scope, Series, Now.AddMinutes(-1), Now.AddMinutes(1), CancellationToken.None);

        Assert.Equal("Milliseconds", stored!.Unit);
        Assert.Equal([(Now, new Rollup(40, 2, 10, 30))], stored.Points);
        Assert.Null(await _store.ReadAsync("111111111111/us-east-1", Series, Now.AddMinutes(-1), Now.AddMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task The_sweep_downsamples_old_minutes_and_drops_expired_series()
    {
        var old = MetricRetention.Floor(Now.AddDays(-20), 300);
        for (var minute = 0; minute < 5; minute++)
        {
            await PutAsync(old.AddMinutes(minute), minute);
        }
        await PutAsync(Now.AddMinutes(-1), 7);
        var expired = Series with { MetricName = "Gone" };
        await _store.PutAsync(Scope, [new MetricPoint(expired, Now.AddDays(-500), Rollup.Of(1))], CancellationToken.None);

        var result = await _store.SweepAsync(Now, CancellationToken.None);
        var again = await _store.SweepAsync(Now, CancellationToken.None);

        var stored = await _store.ReadAsync(Scope, Series, old.AddDays(-1), Now, CancellationToken.None);
        Assert.Equal([(old, new Rollup(0 + 1 + 2 + 3 + 4, 5, 0, 4)), (Now.AddMinutes(-1), Rollup.Of(7))], stored!.Points);
        Assert.Equal((1, 1), (result.SeriesDropped, (long)(await _store.ListAsync(Scope, "App", null, DateTimeOffset.MinValue, 0, 10, CancellationToken.None)).Count));
        Assert.Equal(0, again.Deleted);
    }

    [Fact]
    public async Task Series_list_in_namespace_name_and_dimension_order_and_filter()
    {
        var other = new MetricSeries("App", "Errors", [new("Service", "web")]);
        var aws = new MetricSeries("AWS/ECS", "CPUUtilization", [new("ClusterName", "default")]);
        await _store.PutAsync(Scope, [new MetricPoint(Series, Now, Rollup.Of(1)), new MetricPoint(other, Now, Rollup.Of(1)), new MetricPoint(aws, Now, Rollup.Of(1))],
            CancellationToken.None);

        Assert.Equal([aws, other, Series], await _store.ListAsync(Scope, null, null, DateTimeOffset.MinValue, 0, 10, CancellationToken.None));
        Assert.Equal([other, Series], await _store.ListAsync(Scope, "App", null, DateTimeOffset.MinValue, 0, 10, CancellationToken.None));
        Assert.Equal([other], await _store.ListAsync(Scope, null, "Errors", DateTimeOffset.MinValue, 0, 10, CancellationToken.None));
        Assert.Equal([Series], await _store.ListAsync(Scope, null, null, DateTimeOffset.MinValue, 2, 10, CancellationToken.None));
        Assert.Empty(await _store.ListAsync(Scope, null, null, Now.AddMinutes(1), 0, 10, CancellationToken.None));
    }
}
