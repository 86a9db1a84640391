namespace Berth.Control.Observability;

/// <summary>
/// The clock that AWS/ECS and AWS/ApplicationELB metrics, and the alarms on them, run on. By default it is the real
/// clock. For tests (<c>--test-minute-seconds N</c>) a minute of metric time lasts <see cref="Minute"/> of real time:
/// from the server's start, metric time runs 60/N times faster, and so do the timers made from this clock. Everything
/// that thinks in metric minutes (agents' samples and load balancer requests timestamped on it, the one-minute
/// aggregation and publication that follows, alarm periods and their evaluation each minute) is shortened
/// consistently without knowing it; what is stored is ordinary one-minute data, only its timestamps are ahead.
/// </summary>
public sealed class MetricClock : TimeProvider
{
    private readonly TimeProvider _real;
    private readonly DateTimeOffset _origin;
    private readonly double _speed;

    public MetricClock(TimeProvider real, TimeSpan minute)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(minute, TimeSpan.Zero);
        _real = real;
        _origin = real.GetUtcNow();
        _speed = TimeSpan.FromMinutes(1) / minute;
        Minute = minute;
    }

    /// <summary>How long a minute of metric time lasts in real time: a minute, unless shortened for tests.</summary>
    public TimeSpan Minute { get; }

    public override DateTimeOffset GetUtcNow() => ToMetric(_real.GetUtcNow());

    /// <summary>The metric time of a real moment (an agent's sample, a request's end).</summary>
    public DateTimeOffset ToMetric(DateTimeOffset real) => _speed == 1 ? real : _origin + ((real - _origin) * _speed);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _real.CreateTimer(callback, state, ToReal(dueTime), ToReal(period));

    private TimeSpan ToReal(TimeSpan metric) => metric == Timeout.InfiniteTimeSpan || _speed == 1 ? metric : metric / _speed;
}
