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
    public void Once_all_are_announced_the_mark_is_the_round_and_only_tasks_created_at_or_after_it_are_named()
    {
        var state = StartAnnouncements.AllAnnounced(new SchedulerState(), [Created("a", 1), Created("b", 2), Created("c", 3)], T0.AddMilliseconds(2000.7));

        Assert.Equal(T0.AddSeconds(2), state.AnnouncedThrough);
        Assert.Equal([TaskArn("b"), TaskArn("c")], state.AnnouncedTasks);
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
        Assert.Equal(T0, plan.Scheduler.AnnouncedThrough);
        Assert.Empty(plan.Scheduler.AnnouncedTasks);
    }

    [Fact]
    public void Tasks_launched_in_the_millisecond_the_round_planned_in_are_announced_once()
    {
        // Time does not move between rounds (a test clock, or two rounds in one millisecond): the tasks are named.
        var first = Plan(Snapshot(Replica(2), state: new SchedulerState()), T0);
        IReadOnlyList<ServiceTask> launched = [Created("x", 0), Created("y", 0)];

        var second = Plan(new ServiceSnapshot(first.Service, launched, [], first.Scheduler), T0);
        var third = Plan(new ServiceSnapshot(second.Service, launched, [], second.Scheduler), T0);

        Assert.Contains("(service web) has started 2 tasks: (task x) (task y).", second.Messages());
        Assert.Equal([TaskArn("x"), TaskArn("y")], second.Scheduler.AnnouncedTasks);
        Assert.Equal(second.Messages(), third.Messages());
    }

    [Fact]
    public void A_service_of_many_tasks_names_none_of_them_once_they_are_announced()
    {
        var service = Replica(1000);
        var first = Plan(Snapshot(service, state: new SchedulerState()));
        Assert.Equal(1000, first.Started());
        var launched = Enumerable.Range(0, 1000).Select(i => Created($"t{i:D4}", i / 100)).ToList();

        var second = Plan(new ServiceSnapshot(first.Service, launched, [], first.Scheduler), T0.AddSeconds(20));

        Assert.Contains(second.Messages(), m => m.StartsWith("(service web) has started 1000 tasks:", StringComparison.Ordinal));
        Assert.Equal(T0.AddSeconds(20), second.Scheduler.AnnouncedThrough);
        Assert.Empty(second.Scheduler.AnnouncedTasks);

        var third = Plan(new ServiceSnapshot(second.Service, [.. launched, Created("late", 30)], [], second.Scheduler), T0.AddSeconds(40));

        Assert.Equal("(service web) has started 1 tasks: (task late).", third.Messages().First(m => m.Contains("has started", StringComparison.Ordinal)));
        Assert.Empty(third.Scheduler.AnnouncedTasks);
    }
}
