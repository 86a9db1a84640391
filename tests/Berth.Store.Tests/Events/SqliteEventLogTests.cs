using Berth.Core.Events;
using Berth.Store.Events;

namespace Berth.Store.Tests.Events;

public sealed class SqliteEventLogTests : EventLogContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"berth-events-{Guid.NewGuid():N}.db");

    protected override async Task<IEventLog> OpenEmptyLogAsync() => await SqliteEventLog.OpenAsync(_path, CancellationToken.None);

    /// <summary>
    /// Servers sharing a data directory share events.db: each keeps its own writer connection open between appends,
    /// so their appends must take turns on the file, every event stored once with a number of its own.
    /// </summary>
    [Fact]
    public async Task Two_logs_on_one_file_append_in_turns_without_losing_or_repeating_a_number()
    {
        await using var first = await SqliteEventLog.OpenAsync(_path, CancellationToken.None);
        await using var second = await SqliteEventLog.OpenAsync(_path, CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? first : second).AppendAsync(
            [Event($"cluster-{i}"), Event($"cluster-{i}")], CancellationToken.None)));

        var all = await first.ReadAsync(new EventLogQuery(0, null, null, 1000), CancellationToken.None);
        Assert.Equal(80, all.Count);
        Assert.Equal(all.Count, all.Select(e => e.Sequence).Distinct().Count());
        Assert.Equal(all[^1].Sequence, await second.LatestSequenceAsync(CancellationToken.None));
    }

    /// <summary>
    /// The envelope is bound as UTF-8 bytes but stored as TEXT, as it was when bound as a string: readers of the column
    /// (and files written before) see one type.
    /// </summary>
    [Fact]
    public async Task An_envelope_bound_as_bytes_is_stored_as_text()
    {
        await using (var log = await SqliteEventLog.OpenAsync(_path, CancellationToken.None))
        {
            await log.AppendAsync([Event("a")], CancellationToken.None);
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT typeof(data), json_extract(data, '$.source') FROM events";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("text", reader.GetString(0));
        Assert.Equal("aws.ecs", reader.GetString(1));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_path)!, Path.GetFileName(_path) + "*"))
        {
            File.Delete(file);
        }
    }

    private static EcsEvent Event(string cluster) =>
        new(EcsEventTypes.TaskStateChange, cluster, [], DateTimeOffset.UnixEpoch, "{}"u8.ToArray());
}
