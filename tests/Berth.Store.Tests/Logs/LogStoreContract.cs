using Berth.Core.Logs;
using Berth.Store.Logs;

namespace Berth.Store.Tests.Logs;

/// <summary>What every <see cref="ILogStore"/> engine must do; each test gets an empty store of its own.</summary>
public abstract class LogStoreContract : IAsyncLifetime
{
    private const string Scope = "000000000000/us-east-1";

    private ILogStore _store = null!;

    protected abstract Task<ILogStore> OpenEmptyStoreAsync();

    public virtual async Task InitializeAsync() => _store = await OpenEmptyStoreAsync();

    public virtual async Task DisposeAsync() => await _store.DisposeAsync();

    private async Task<LogStreamRow> StreamAsync(string group = "/ecs/web", string stream = "web/1")
    {
        var found = await _store.FindGroupAsync(Scope, group, CancellationToken.None) ?? await _store.CreateGroupAsync(Scope, group, 1, CancellationToken.None);
        await _store.CreateStreamAsync(found!.Id, stream, 2, CancellationToken.None);
        return (await _store.FindStreamAsync(found.Id, stream, CancellationToken.None))!;
    }

    [Fact]
    public async Task A_group_name_is_taken_once_per_scope()
    {
        var created = await _store.CreateGroupAsync(Scope, "/ecs/web", 1, CancellationToken.None);

        Assert.Null(await _store.CreateGroupAsync(Scope, "/ecs/web", 2, CancellationToken.None));
        Assert.NotNull(await _store.CreateGroupAsync("111111111111/us-east-1", "/ecs/web", 2, CancellationToken.None));
        Assert.Equal(created, await _store.FindGroupAsync(Scope, "/ecs/web", CancellationToken.None));
    }

    [Fact]
    public async Task Groups_list_by_name_after_a_name_with_a_literal_prefix()
    {
        foreach (var name in new[] { "/ecs/b", "/ecs/a", "/ecs_x", "/other" })
        {
            await _store.CreateGroupAsync(Scope, name, 1, CancellationToken.None);
        }

        var names = async (string? prefix, string? after) =>
            (await _store.ListGroupsAsync(Scope, prefix, after, 10, CancellationToken.None)).Select(g => g.Name);

        Assert.Equal(["/ecs/a", "/ecs/b", "/ecs_x", "/other"], await names(null, null));
        Assert.Equal(["/ecs/a", "/ecs/b"], await names("/ecs/", null));
        Assert.Equal(["/ecs/b"], await names("/ecs/", "/ecs/a"));
    }

    [Fact]
    public async Task Appended_events_read_back_in_time_order_with_stream_totals()
    {
        var stream = await StreamAsync();

        await _store.AppendAsync(stream, [new(30, "third"), new(10, "first"), new(20, "second")], 100, CancellationToken.None);

        var events = await _store.ReadStreamAsync(stream.Id, new LogEventQuery { Limit = 10 }, CancellationToken.None);
        Assert.Equal(["first", "second", "third"], events.Select(e => e.Message));
        Assert.All(events, e => Assert.Equal(100, e.IngestionTime));
        var after = (await _store.FindStreamAsync(stream.GroupId, stream.Name, CancellationToken.None))!;
        Assert.Equal((10L, 30L, 100L, (long)"firstsecondthird".Length), (after.FirstEventTimestamp, after.LastEventTimestamp, after.LastIngestionTime, after.StoredBytes));
        Assert.Equal(after.StoredBytes, (await _store.FindGroupAsync(Scope, "/ecs/web", CancellationToken.None))!.StoredBytes);
    }

    [Fact]
    public async Task Event_reads_page_by_position_and_time_range_in_either_direction()
    {
        var stream = await StreamAsync();
        await _store.AppendAsync(stream, [.. Enumerable.Range(1, 5).Select(i => new NewLogEvent(i * 10, $"e{i}"))], 100, CancellationToken.None);
        var all = await _store.ReadStreamAsync(stream.Id, new LogEventQuery { Limit = 10 }, CancellationToken.None);

        var page = await _store.ReadStreamAsync(stream.Id, new LogEventQuery { Limit = 2, After = all[1].Position }, CancellationToken.None);
        var newest = await _store.ReadStreamAsync(stream.Id, new LogEventQuery { Limit = 2, Descending = true }, CancellationToken.None);
        var window = await _store.ReadStreamAsync(stream.Id, new LogEventQuery { Limit = 10, StartTime = 20, EndTime = 40 }, CancellationToken.None);

        Assert.Equal(["e3", "e4"], page.Select(e => e.Message));
        Assert.Equal(["e5", "e4"], newest.Select(e => e.Message));
        Assert.Equal(["e2", "e3"], window.Select(e => e.Message));
    }

    [Fact]
    public async Task Group_reads_interleave_streams_and_can_keep_to_some()
    {
        var one = await StreamAsync(stream: "one");
        var two = await StreamAsync(stream: "two");
        await _store.AppendAsync(one, [new(10, "one-a"), new(30, "one-b")], 100, CancellationToken.None);
        await _store.AppendAsync(two, [new(20, "two-a")], 100, CancellationToken.None);

        var all = await _store.ReadGroupAsync(one.GroupId, null, new LogEventQuery { Limit = 10 }, CancellationToken.None);
        var onlyTwo = await _store.ReadGroupAsync(one.GroupId, [two.Id], new LogEventQuery { Limit = 10 }, CancellationToken.None);

        Assert.Equal(["one-a", "two-a", "one-b"], all.Select(e => e.Message));
        Assert.Equal(["two-a"], onlyTwo.Select(e => e.Message));
    }

    [Fact]
    public async Task Streams_list_by_name_or_by_last_event_time()
    {
        var quiet = await StreamAsync(stream: "a-quiet");
        var late = await StreamAsync(stream: "b-late");
        var early = await StreamAsync(stream: "c-early");
        await _store.AppendAsync(late, [new(50, "x")], 100, CancellationToken.None);
        await _store.AppendAsync(early, [new(20, "x")], 100, CancellationToken.None);

        var byName = await _store.ListStreamsAsync(quiet.GroupId, new LogStreamQuery { Limit = 10, AfterName = "a-quiet" }, CancellationToken.None);
        var byTime = await _store.ListStreamsAsync(quiet.GroupId, new LogStreamQuery { Limit = 10, ByLastEventTime = true, Descending = true }, CancellationToken.None);

        Assert.Equal(["b-late", "c-early"], byName.Select(s => s.Name));
        Assert.Equal(["b-late", "c-early", "a-quiet"], byTime.Select(s => s.Name));
    }

    [Fact]
    public async Task Expired_events_are_deleted_and_free_their_bytes()
    {
        var stream = await StreamAsync();
        await _store.AppendAsync(stream, [new(10, "old"), new(20, "older?"), new(30, "kept")], 100, CancellationToken.None);
        var group = (await _store.FindGroupAsync(Scope, "/ecs/web", CancellationToken.None))!;
        await _store.SetRetentionAsync(group.Id, 7, CancellationToken.None);

        Assert.Equal(2, await _store.DeleteEventsBeforeAsync(group.Id, 30, CancellationToken.None));

        Assert.Equal(["kept"], (await _store.ReadStreamAsync(stream.Id, new LogEventQuery { Limit = 10 }, CancellationToken.None)).Select(e => e.Message));
        Assert.Equal(4, (await _store.FindStreamAsync(group.Id, stream.Name, CancellationToken.None))!.StoredBytes);
        Assert.Equal([7], (await _store.ListGroupsWithRetentionAsync(CancellationToken.None)).Select(g => g.RetentionInDays));
    }

    [Fact]
    public async Task Deleting_a_group_deletes_its_streams_and_events()
    {
        var stream = await StreamAsync();
        await _store.AppendAsync(stream, [new(10, "x")], 100, CancellationToken.None);

        await _store.DeleteGroupAsync(stream.GroupId, CancellationToken.None);

        Assert.Null(await _store.FindGroupAsync(Scope, "/ecs/web", CancellationToken.None));
        Assert.Null(await _store.FindStreamAsync(stream.GroupId, stream.Name, CancellationToken.None));
        Assert.Empty(await _store.ReadGroupAsync(stream.GroupId, null, new LogEventQuery { Limit = 10 }, CancellationToken.None));
    }
}
