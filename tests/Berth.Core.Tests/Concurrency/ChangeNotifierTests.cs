using System.Runtime.ExceptionServices;
using Berth.Core.Concurrency;

namespace Berth.Core.Tests.Concurrency;

public class ChangeNotifierTests
{
    /// <summary>Long enough never to end a wait that is released; only a lost wake-up runs into it.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_notify_between_taking_the_task_and_awaiting_it_is_not_lost()
    {
        var notifier = new ChangeNotifier();
        var changed = notifier.Changed;

        notifier.Notify();

        Assert.True(await ChangeNotifier.ChangedWithinAsync(changed, TimeSpan.Zero, TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task A_waiter_is_released_by_the_next_notify()
    {
        var notifier = new ChangeNotifier();
        var first = ChangeNotifier.ChangedWithinAsync(notifier.Changed, Timeout.InfiniteTimeSpan, TimeProvider.System, CancellationToken.None);
        var second = ChangeNotifier.ChangedWithinAsync(notifier.Changed, Timeout.InfiniteTimeSpan, TimeProvider.System, CancellationToken.None);
        Assert.False(first.IsCompleted);

        notifier.Notify();

        Assert.True(await first.WaitAsync(Guard));
        Assert.True(await second.WaitAsync(Guard));
    }

    [Fact]
    public void A_task_taken_after_a_notify_waits_for_the_next_one()
    {
        var notifier = new ChangeNotifier();

        notifier.Notify();

        Assert.False(notifier.Changed.IsCompleted);
    }

    [Fact]
    public async Task Without_a_notify_the_wait_ends_at_the_timeout()
    {
        var notifier = new ChangeNotifier();

        Assert.False(await ChangeNotifier.ChangedWithinAsync(notifier.Changed, TimeSpan.Zero, TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task The_timeout_ends_the_wait_without_throwing()
    {
        // Idle loops wait here every second; an exception per round was an idle cost of its own.
        var notifier = new ChangeNotifier();
        var thrown = 0;
        void Count(object? sender, FirstChanceExceptionEventArgs e)
        {
            if (e.Exception.GetType() == typeof(TimeoutException))
            {
                Interlocked.Increment(ref thrown);
            }
        }
        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            Assert.False(await ChangeNotifier.ChangedWithinAsync(notifier.Changed, TimeSpan.FromMilliseconds(20), TimeProvider.System, CancellationToken.None));
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }
        Assert.Equal(0, thrown);
    }

    [Fact]
    public async Task Cancelling_a_wait_leaves_the_change_to_the_other_waiters()
    {
        var notifier = new ChangeNotifier();
        var changed = notifier.Changed;
        using var cancellation = new CancellationTokenSource();
        var wait = ChangeNotifier.ChangedWithinAsync(changed, Timeout.InfiniteTimeSpan, TimeProvider.System, cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.False(changed.IsCompleted);
        notifier.Notify();
        Assert.True(changed.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_waiter_that_takes_the_task_before_reading_sees_every_change_made_on_other_threads()
    {
        const int changes = 10_000;
        var notifier = new ChangeNotifier();
        var version = 0;
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < changes; i++)
            {
                Interlocked.Increment(ref version);
                notifier.Notify();
            }
        });

        // Without a timeout a lost wake-up after the last change would hang here until the guard cancels the wait.
        using var guard = new CancellationTokenSource(Guard);
        while (true)
        {
            var changed = notifier.Changed;
            if (Volatile.Read(ref version) == changes)
            {
                break;
            }
            await ChangeNotifier.ChangedWithinAsync(changed, Timeout.InfiniteTimeSpan, TimeProvider.System, guard.Token);
        }
        await writer;
    }
}
