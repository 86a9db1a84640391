using Berth.Core.Concurrency;
using Berth.Core.Events;
using Berth.Store.Events;
using Microsoft.Extensions.Logging;

namespace Berth.Control.Events;

/// <summary>
/// Appends the events of the state commits to the event log in the order of the commits, off the commits' path: a
/// commit takes a ticket before it starts (<see cref="Reserve"/>) and hands in its events when it ended
/// (<see cref="Complete"/>, none when it failed); one writer appends, in ticket order, everything handed in without a
/// gap before it, in one transaction of the log (group append).
/// </summary>
/// <remarks>
/// Ticket order is the order that matters: a commit computed from another's result read that result after the other
/// commit was visible, so after that commit took its ticket, and its own ticket comes later (a task's PENDING is
/// always logged before its RUNNING). Commits that are in flight together are independent and may go either way.
/// The price of leaving the commit's path: a crash loses the events of the commits whose append had not happened yet,
/// those of up to one append round (before: of the one commit between its state commit and its append). The state
/// itself is intact either way: the two files were never one transaction.
/// </remarks>
internal sealed partial class EventAppendQueue : IAsyncDisposable
{
    private readonly IEventLog _log;
    private readonly ILogger<EventAppendQueue> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, IReadOnlyList<EcsEvent>> _handedIn = [];
    private readonly ChangeNotifier _arrived = new();
    private readonly ChangeNotifier _advanced = new();
    private readonly Task _writing;
    private long _issued;
    private long _taken;
    private long _appended;
    private bool _stopping;

    public EventAppendQueue(IEventLog log, ILogger<EventAppendQueue> logger)
    {
        _log = log;
        _logger = logger;
        _writing = Task.Run(WriteAsync);
    }

    /// <summary>The ticket of a commit about to start; <see cref="Complete"/> must follow whatever the commit's outcome.</summary>
    public long Reserve()
    {
        lock (_gate)
        {
            return _issued++;
        }
    }

    /// <summary>Hands in what the commit of <paramref name="ticket"/> recorded: nothing when it failed.</summary>
    public void Complete(long ticket, IReadOnlyList<EcsEvent> events)
    {
        lock (_gate)
        {
            _handedIn.Add(ticket, events);
        }
        _arrived.Notify();
    }

    /// <summary>
    /// Completes once the events of every commit that had started by now are in the log, so a reader that was told a
    /// commit succeeded finds its events.
    /// </summary>
    public async Task CaughtUpAsync(CancellationToken cancellationToken)
    {
        long target;
        lock (_gate)
        {
            target = _issued;
        }
        while (true)
        {
            var advanced = _advanced.Changed;
            if (Volatile.Read(ref _appended) >= target)
            {
                return;
            }
            await advanced.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Appends what was handed in, then stops; idempotent, so whichever owner is disposed first flushes.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _stopping = true;
        }
        _arrived.Notify();
        await _writing.ConfigureAwait(false);
    }

    private async Task WriteAsync()
    {
        while (true)
        {
            var arrived = _arrived.Changed;
            var (events, upTo, stopping) = TakeInOrder();
            if (upTo > Volatile.Read(ref _appended))
            {
                await AppendAsync(events, upTo).ConfigureAwait(false);
            }
            else if (stopping)
            {
                break;
            }
            else
            {
                await arrived.ConfigureAwait(false);
            }
        }
        lock (_gate)
        {
            if (_handedIn.Count > 0)
            {
                LogUnappendedAtStop(_logger, _handedIn.Count);
            }
        }
        // Readers waiting for commits that can no longer be appended go on with what the log has.
        Volatile.Write(ref _appended, long.MaxValue);
        _advanced.Notify();
    }

    private (List<EcsEvent> Events, long UpTo, bool Stopping) TakeInOrder()
    {
        lock (_gate)
        {
            var events = new List<EcsEvent>();
            while (_handedIn.Remove(_taken, out var handedIn))
            {
                events.AddRange(handedIn);
                _taken++;
            }
            return (events, _taken, _stopping);
        }
    }

    /// <summary>The commits stand, so a failed append is logged, not retried into a log that may have taken part of it.</summary>
    private async Task AppendAsync(List<EcsEvent> events, long upTo)
    {
        try
        {
            await _log.AppendAsync(events, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogAppendFailed(_logger, e, events.Count);
        }
        Volatile.Write(ref _appended, upTo);
        _advanced.Notify();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Appending {Events} events of committed task and service changes to the event log failed; the commits stand")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception, int events);

    [LoggerMessage(Level = LogLevel.Error, Message = "The event log stopped with the events of {Commits} committed changes not appended: a commit ahead of them had not ended")]
    private static partial void LogUnappendedAtStop(ILogger logger, int commits);
}
