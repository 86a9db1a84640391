using Berth.Core.Concurrency;

namespace Berth.Core.Tests.Concurrency;

public class ChangeMarksTests
{
    [Fact]
    public void The_first_take_is_everything_and_the_next_only_what_was_named_since()
    {
        var notifier = new SubjectNotifier();
        using var marks = new ChangeMarks(notifier);
        notifier.Notify("a");

        Assert.True(marks.Take().Everything);
        Assert.Empty(marks.Take().Subjects);

        notifier.Notify("b");
        notifier.Notify("c");
        notifier.Notify("b");
        var taken = marks.Take();

        Assert.False(taken.Everything);
        Assert.Equal(["b", "c"], taken.Subjects.Order());
        Assert.Empty(marks.Take().Subjects);
    }

    [Fact]
    public void A_notify_that_names_nothing_makes_the_next_take_everything()
    {
        var notifier = new SubjectNotifier();
        using var marks = new ChangeMarks(notifier);
        marks.Take();

        notifier.Notify("a");
        notifier.Notify();
        notifier.Notify("b");

        Assert.True(marks.Take().Everything);
        Assert.False(marks.Take().Everything);
    }

    [Fact]
    public void Each_reader_takes_its_own_marks()
    {
        var notifier = new SubjectNotifier();
        using var first = new ChangeMarks(notifier);
        using var second = new ChangeMarks(notifier);
        first.Take();
        second.Take();

        notifier.Notify("a");

        Assert.Equal(["a"], first.Take().Subjects);
        Assert.Equal(["a"], second.Take().Subjects);
    }

    [Fact]
    public void One_reader_follows_several_notifiers()
    {
        var services = new SubjectNotifier();
        var daemons = new SubjectNotifier();
        using var marks = new ChangeMarks(services, daemons);
        marks.Take();

        services.Notify("a");
        daemons.Notify("d");

        Assert.Equal(["a", "d"], marks.Take().Subjects.Order());
        daemons.Notify();
        Assert.True(marks.Take().Everything);
    }

    [Fact]
    public async Task A_mark_made_after_the_wait_was_taken_wakes_it_and_is_in_the_next_take()
    {
        var notifier = new SubjectNotifier();
        using var marks = new ChangeMarks(notifier);
        var changed = notifier.Changed; // a scheduler takes the wake-up task, then its marks, then runs its round
        marks.Take();

        notifier.Notify("a"); // while the round runs

        Assert.True(await ChangeNotifier.ChangedWithinAsync(changed, TimeSpan.Zero, TimeProvider.System, CancellationToken.None));
        Assert.Equal(["a"], marks.Take().Subjects);
    }

    [Fact]
    public void A_disposed_reader_is_marked_no_more()
    {
        var notifier = new SubjectNotifier();
        var marks = new ChangeMarks(notifier);
        marks.Take();
        marks.Dispose();

        notifier.Notify("a");
        notifier.Notify();

        Assert.False(marks.Take().Everything);
        Assert.Empty(marks.Take().Subjects);
    }

    [Fact]
    public void Everything_includes_any_subject_and_named_marks_only_theirs()
    {
        Assert.True(MarkedSubjects.All.Includes("a"));
        var named = new MarkedSubjects(false, new HashSet<string> { "a" });
        Assert.True(named.Includes("a"));
        Assert.False(named.Includes("b"));
    }
}
