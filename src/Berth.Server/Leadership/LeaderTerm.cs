namespace Berth.Server.Leadership;

/// <summary>
/// One stretch of holding the controller lease: its fencing token, and <see cref="Ended"/>, cancelled when the lease is
/// lost, released, or not renewed by its expiry (on this server's clock, whatever the renewal loop is doing).
/// </summary>
internal sealed class LeaderTerm : IDisposable
{
    private readonly CancellationTokenSource _ended;
    private readonly TimeProvider _time;
    private DateTimeOffset _expiresAt;

    public LeaderTerm(long token, DateTimeOffset expiresAt, TimeProvider time)
    {
        Token = token;
        _time = time;
        _expiresAt = expiresAt;
        _ended = new CancellationTokenSource(Remaining(expiresAt), time);
    }

    public long Token { get; }

    public CancellationToken Ended => _ended.Token;

    /// <summary>Also false from the expiry on, should the timer that cancels <see cref="Ended"/> run late.</summary>
    public bool IsActive => !_ended.IsCancellationRequested && _time.GetUtcNow() < _expiresAt;

    /// <summary>A renewal moved the expiry: the term now ends then, unless renewed again.</summary>
    public void Extend(DateTimeOffset expiresAt)
    {
        if (IsActive)
        {
            _expiresAt = expiresAt;
            _ended.CancelAfter(Remaining(expiresAt));
        }
    }

    public void End() => _ended.Cancel();

    public void Dispose() => _ended.Dispose();

    /// <summary>At least a tick: an expiry already past ends the term at once rather than never.</summary>
    private TimeSpan Remaining(DateTimeOffset expiresAt) => TimeSpan.FromTicks(Math.Max(1, (expiresAt - _time.GetUtcNow()).Ticks));
}
