using System.Text;
using System.Text.Json.Nodes;
using Berth.Core.Events;
using Berth.Store.Events;

namespace Berth.Store.Tests.Events;

/// <summary>What every <see cref="IEventLog"/> engine must do; each test gets an empty log of its own.</summary>
public abstract class EventLogContract : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private IEventLog _log = null!;

    protected abstract Task<IEventLog> OpenEmptyLogAsync();

    public virtual async Task InitializeAsync() => _log = await OpenEmptyLogAsync();

    public virtual async Task DisposeAsync() => await _log.DisposeAsync();

    private static EcsEvent Event(string cluster, string type = EcsEventTypes.TaskStateChange, int minutesAgo = 0) =>
        new(type, cluster, [], Now.AddMinutes(-minutesAgo), "{}"u8.ToArray());

    [Fact]
    public async Task Events_get_increasing_sequence_numbers_and_read_after_a_position()
    {
        Assert.Equal(0, await _log.LatestSequenceAsync(CancellationToken.None));

        await _log.AppendAsync([Event("a"), Event("b")], CancellationToken.None);
        await _log.AppendAsync([Event("c")], CancellationToken.None);

        var all = await _log.ReadAsync(new EventLogQuery(0, null, null, 10), CancellationToken.None);
        Assert.Equal(3, all.Count);
        Assert.True(all[0].Sequence < all[1].Sequence && all[1].Sequence < all[2].Sequence);
        Assert.Equal(all[2].Sequence, await _log.LatestSequenceAsync(CancellationToken.None));
        Assert.Equal([all[2].Sequence], (await _log.ReadAsync(new EventLogQuery(all[1].Sequence, null, null, 10), CancellationToken.None)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task An_event_reads_back_as_its_envelope_written_as_text_escapes_and_all()
    {
        var e = new EcsEvent(EcsEventTypes.ServiceEvent, "arn:aws:ecs:eu-west-1:123456789012:cluster/prod", ["arn:aws:ecs:eu-west-1:123456789012:service/prod/web"], Now,
            """{"message":"caf\u00e9 \u003Cweb\u003E é ✓","createdAt":1800000000}"""u8.ToArray());

        await _log.AppendAsync([e], CancellationToken.None);

        var stored = Assert.Single(await _log.ReadAsync(new EventLogQuery(0, null, null, 10), CancellationToken.None));
        Assert.Equal(Encoding.UTF8.GetString(EventEnvelope.ToUtf8(e)), stored.Data);
        Assert.Contains("""detail":{"message":"caf\u00e9 \u003Cweb\u003E é ✓""", stored.Data, StringComparison.Ordinal);
    }

    /// <summary>One append of many events numbers them in the order they were handed in (a task's PENDING before its RUNNING).</summary>
    [Fact]
    public async Task A_round_of_many_events_is_numbered_in_its_order()
    {
        var events = Enumerable.Range(0, 150).Select(i => Event("a") with { Resources = [$"r{i}"] }).ToList();

        await _log.AppendAsync(events, CancellationToken.None);

        var stored = await _log.ReadAsync(new EventLogQuery(0, null, null, 1000), CancellationToken.None);
        Assert.Equal(events.Select(e => e.Resources[0]), stored.Select(e => JsonNode.Parse(e.Data)!["resources"]![0]!.GetValue<string>()));
    }

    [Fact]
    public async Task Reads_filter_by_cluster_and_detail_type()
    {
        await _log.AppendAsync([Event("a"), Event("b"), Event("a", EcsEventTypes.ServiceEvent)], CancellationToken.None);

        Assert.Equal(2, (await _log.ReadAsync(new EventLogQuery(0, "a", null, 10), CancellationToken.None)).Count);
        Assert.Single(await _log.ReadAsync(new EventLogQuery(0, "a", EcsEventTypes.TaskStateChange, 10), CancellationToken.None));
    }

    [Fact]
    public async Task An_append_completes_the_appended_task_taken_before_it()
    {
        var appended = _log.Appended;

        await _log.AppendAsync([Event("a")], CancellationToken.None);

        Assert.True(appended.IsCompleted);
    }

    [Fact]
    public async Task Pruning_keeps_the_newest_and_never_hands_a_number_out_again()
    {
        await _log.AppendAsync([Event("a", minutesAgo: 60), Event("b"), Event("c")], CancellationToken.None);
        var latest = await _log.LatestSequenceAsync(CancellationToken.None);

        Assert.Equal(1, await _log.PruneAsync(Now.AddMinutes(-30), 10, CancellationToken.None));
        Assert.Equal(2, await _log.PruneAsync(Now.AddMinutes(-30), 0, CancellationToken.None));

        Assert.Equal(latest, await _log.LatestSequenceAsync(CancellationToken.None));
        await _log.AppendAsync([Event("d")], CancellationToken.None);
        Assert.Equal([latest + 1], (await _log.ReadAsync(new EventLogQuery(0, null, null, 10), CancellationToken.None)).Select(e => e.Sequence));
    }
}
