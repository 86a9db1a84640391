using Berth.Core.Concurrency;

namespace Berth.Core.Tests.Concurrency;

public class KeyedChangeNotifierTests
{
    [Fact]
    public void A_notify_between_taking_the_task_and_awaiting_it_is_not_lost()
    {
        var notifier = new KeyedChangeNotifier();
        var changed = notifier.Changed("instance-a");

        notifier.Notify("instance-a");

        Assert.True(changed.IsCompletedSuccessfully);
    }

    [Fact]
    public void A_notify_wakes_only_the_waiters_of_its_key()
    {
        var notifier = new KeyedChangeNotifier();
        var a = notifier.Changed("instance-a");
        var b = notifier.Changed("instance-b");

        notifier.Notify("instance-a");

        Assert.True(a.IsCompletedSuccessfully);
        Assert.False(b.IsCompleted);
    }

    [Fact]
    public void A_waiter_of_a_key_is_released_by_its_next_notify_not_an_earlier_one()
    {
        var notifier = new KeyedChangeNotifier();
        notifier.Notify("instance-a");
        var changed = notifier.Changed("instance-a");
        Assert.False(changed.IsCompleted);

        notifier.Notify("instance-a");

        Assert.True(changed.IsCompletedSuccessfully);
    }

    [Fact]
    public void Keys_are_ordinal()
    {
        var notifier = new KeyedChangeNotifier();
        var changed = notifier.Changed("instance-a");

        notifier.Notify("INSTANCE-A");

        Assert.False(changed.IsCompleted);
    }

    [Fact]
    public void A_forgotten_key_holds_no_notifier_and_its_waiters_are_released()
    {
        var notifier = new KeyedChangeNotifier();
        var gone = notifier.Changed("instance-a");
        var kept = notifier.Changed("instance-b");

        notifier.Forget("instance-a");

        Assert.Equal(1, notifier.KeyCount);
        Assert.True(gone.IsCompletedSuccessfully);
        Assert.False(kept.IsCompleted);
    }

    [Fact]
    public void A_forgotten_key_waited_on_again_gets_a_fresh_notifier()
    {
        var notifier = new KeyedChangeNotifier();
        notifier.Forget("instance-a");
        var changed = notifier.Changed("instance-a");
        Assert.False(changed.IsCompleted);

        notifier.Notify("instance-a");

        Assert.True(changed.IsCompletedSuccessfully);
    }
}
