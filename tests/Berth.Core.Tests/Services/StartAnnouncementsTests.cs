using System.Text.Json;
using Berth.Core.Services;
using Berth.Core.State;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class StartAnnouncementsTests
{
    private static ServiceTask Created(string id, int second) => Pending(id, createdAt: T0.AddSeconds(second));

    private static IReadOnlyList<string> Ids(IEnumerable<ServiceTask> tasks) =>
        [.. tasks.Select(t => t.TaskArn[(t.TaskArn.LastIndexOf('/') + 1)..])];

    public static TheoryData<string, SchedulerState, string[]> Cases() => new()
    {
        { "a new service has announced nothing", new SchedulerState(), ["a", "b", "c"] },
        { "before the mark is announced, after it is not", new SchedulerState { AnnouncedThrough = T0.AddMilliseconds(1500) }, ["b", "c"] },
        { "at the mark only the named ones are announced",
            new SchedulerState { AnnouncedThrough = T0.AddSeconds(2), AnnouncedTasks = [TaskArn("b")] }, ["c"] },
        { "a record without a mark names every task it announced",
            new SchedulerState { AnnouncedTasks = [TaskArn("a"), TaskArn("c")] }, ["b"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Unannounced_tasks_are_those_after_the_mark_or_not_named_at_it(string why, SchedulerState state, string[] expected)
    {
        // a at 1 s; b and c launched together at 2 s.
        IReadOnlyList<ServiceTask> tasks = [Created("c", 2), Created("a", 1), Created("b", 2)];

        Assert.True(expected.SequenceEqual(Ids(StartAnnouncements.Unannounced(state, tasks))), why);
    }

    [Fact]
    public void Once_all_are_announced_only_the_tasks_of_the_newest_moment_are_named()
    {
        var state = StartAnnouncements.AllAnnounced(new SchedulerState(), [Created("a", 1), Created("b", 2), Created("c", 2)]);

        Assert.Equal(T0.AddSeconds(2), state.AnnouncedThrough);
        Assert.Equal([TaskArn("b"), TaskArn("c")], state.AnnouncedTasks);
    }

    [Fact]
    public void The_mark_stays_when_no_newer_task_is_seen()
    {
        var state = new SchedulerState { AnnouncedThrough = T0.AddSeconds(5), AnnouncedTasks = [TaskArn("z")] };

        Assert.Equal(state, StartAnnouncements.AllAnnounced(state, [Created("a", 1)]));
        Assert.Equal(state, StartAnnouncements.AllAnnounced(state, []));
    }

    [Fact]
    public void A_record_in_the_old_shape_gets_its_mark_and_announces_nothing_again()
    {
        var tasks = RunningTasks(50).ToList();
        // The scheduler state as the code before the mark wrote it: every announced task named, and no mark (a null is not written).
        var json = JsonSerializer.Serialize(
            new ServiceRecord(Replica(50), new SchedulerState { AnnouncedTasks = [.. tasks.Select(t => t.TaskArn)] }), StateJsonContext.Default.ServiceRecord);
        Assert.DoesNotContain("AnnouncedThrough", json, StringComparison.Ordinal);
        var old = JsonSerializer.Deserialize(json, StateJsonContext.Default.ServiceRecord)!.Scheduler;
        Assert.Null(old.AnnouncedThrough);

        var plan = Plan(Snapshot(Replica(50), tasks, state: old));

        Assert.DoesNotContain(plan.Messages(), m => m.Contains("has started", StringComparison.Ordinal));
        Assert.Equal(tasks[0].CreatedAt, plan.Scheduler.AnnouncedThrough);
        Assert.Equal(50, plan.Scheduler.AnnouncedTasks.Count); // all 50 share one createdAt in this fixture
    }

    [Fact]
    public void A_service_of_many_tasks_keeps_a_record_the_size_of_its_newest_launch()
    {
        var service = Replica(1000);
        var first = Plan(Snapshot(service, state: new SchedulerState()));
        Assert.Equal(1000, first.Started());
        var launched = Enumerable.Range(0, 1000).Select(i => Created($"t{i:D4}", i / 100)).ToList();

        var second = Plan(new ServiceSnapshot(first.Service, launched, [], first.Scheduler), T0.AddSeconds(20));

        Assert.Contains(second.Messages(), m => m.StartsWith("(service web) has started 1000 tasks:", StringComparison.Ordinal));
        Assert.Equal(T0.AddSeconds(9), second.Scheduler.AnnouncedThrough);
        Assert.Equal(100, second.Scheduler.AnnouncedTasks.Count);

        var third = Plan(new ServiceSnapshot(second.Service, [.. launched, Created("late", 30)], [], second.Scheduler), T0.AddSeconds(40));

        Assert.Equal("(service web) has started 1 tasks: (task late).", third.Messages().First(m => m.Contains("has started", StringComparison.Ordinal)));
        Assert.Equal([TaskArn("late")], third.Scheduler.AnnouncedTasks);
    }
}
