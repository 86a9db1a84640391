using Berth.Control.Observability;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Api.Tests.Observability;

public class MetricClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void By_default_metric_time_is_real_time()
    {
        var real = new FakeTimeProvider(Start);
        var clock = new MetricClock(real, TimeSpan.FromMinutes(1));
        real.SetUtcNow(Start.AddSeconds(95));

        Assert.Equal(Start.AddSeconds(95), clock.GetUtcNow());
        Assert.Equal(Start.AddSeconds(-30), clock.ToMetric(Start.AddSeconds(-30)));
    }

    [Fact]
    public void A_five_second_minute_runs_metric_time_twelve_times_faster_from_the_start()
    {
        var real = new FakeTimeProvider(Start);
        var clock = new MetricClock(real, TimeSpan.FromSeconds(5));
        real.SetUtcNow(Start.AddSeconds(15));

        Assert.Equal(Start.AddMinutes(3), clock.GetUtcNow());
        Assert.Equal(Start.AddMinutes(1), clock.ToMetric(Start.AddSeconds(5)));
    }

    [Fact]
    public async Task A_timer_of_a_metric_minute_fires_after_the_shortened_minute()
    {
        var clock = new MetricClock(TimeProvider.System, TimeSpan.FromMilliseconds(100));
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        Assert.True(await timer.WaitForNextTickAsync(timeout.Token));
    }
}
