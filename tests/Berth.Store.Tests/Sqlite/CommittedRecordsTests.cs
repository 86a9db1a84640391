using Berth.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Berth.Store.Tests.Sqlite;

/// <summary>
/// The SQLite store answers the records its own commits wrote from memory, only while no other store opened the file.
/// What the memory answers is told from what the file holds by changing the file behind the store's back, with a raw
/// connection: a store that still reads the file sees that change, one answering from memory does not.
/// </summary>
public sealed class CommittedRecordsTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"berth-committed-{Guid.NewGuid():N}");
    private readonly List<SqliteStateStore> _stores = [];

    private string DatabasePath => Path.Combine(_directory, "berth.db");

    [Fact]
    public async Task A_record_this_store_committed_is_answered_from_memory_until_another_store_opens_the_file()
    {
        var store = await OpenAsync();
        await store.CommitAsync([Put("a", "committed", 0)], CancellationToken.None);
        await WriteBehindTheStoresBackAsync("UPDATE records SET body = 'behind' WHERE id = 'a'");

        var alone = await store.GetAsync("thing", "a", CancellationToken.None);
        var aloneMany = await store.GetManyAsync("thing", ["a", "a"], CancellationToken.None);
        await OpenAsync();
        var notAlone = await store.GetAsync("thing", "a", CancellationToken.None);

        Assert.Equal(new RecordText("thing", "a", "s", "a", 1, "committed"), alone.AsText());
        Assert.Equal([alone!], aloneMany);
        Assert.Equal("behind", notAlone!.BodyText());
        Assert.Equal(0, store.Committed.Count);
    }

    [Fact]
    public async Task A_record_this_store_deleted_is_answered_as_missing_from_memory()
    {
        var store = await OpenAsync();
        await store.CommitAsync([Put("a", "committed", 0)], CancellationToken.None);
        await store.CommitAsync([new DeleteRecord("thing", "a", 1)], CancellationToken.None);
        await WriteBehindTheStoresBackAsync("INSERT INTO records (kind, id, scope, sort_key, version, body) VALUES ('thing', 'a', 's', 'a', 1, 'behind')");

        Assert.Null(await store.GetAsync("thing", "a", CancellationToken.None));
        Assert.Empty(await store.GetManyAsync("thing", ["a"], CancellationToken.None));
    }

    [Fact]
    public async Task A_record_another_store_wrote_is_read_from_the_file_and_the_next_conditional_commit_applies()
    {
        // The first store opened before the second, so the second's open does not tell the first's commits apart
        // from its own: the first store's writer moves the counter before it writes.
        var first = await OpenAsync();
        var second = await OpenAsync();
        await second.CommitAsync([Put("a", "second", 0)], CancellationToken.None);
        var read = await first.GetAsync("thing", "a", CancellationToken.None);
        await first.CommitAsync([Put("a", "first", read!.Version)], CancellationToken.None);

        var seen = await second.GetAsync("thing", "a", CancellationToken.None);
        await second.CommitAsync([Put("a", "second again", seen!.Version)], CancellationToken.None);

        Assert.Equal(("first", 2L), (seen.BodyText(), seen.Version));
        Assert.Equal(("second again", 3L), ((await first.GetAsync("thing", "a", CancellationToken.None))!.BodyText(), (await first.GetManyAsync("thing", ["a"], CancellationToken.None)).Single().Version));
    }

    [Fact]
    public async Task A_store_alone_again_after_the_other_closed_answers_from_memory()
    {
        var earlier = await OpenAsync();
        await earlier.DisposeAsync();
        _stores.Remove(earlier);
        var store = await OpenAsync();
        await store.CommitAsync([Put("a", "committed", 0)], CancellationToken.None);
        await WriteBehindTheStoresBackAsync("UPDATE records SET body = 'behind' WHERE id = 'a'");

        Assert.Equal("committed", (await store.GetAsync("thing", "a", CancellationToken.None))!.BodyText());
    }

    [Fact]
    public async Task Past_its_budget_the_records_written_longest_ago_are_forgotten_and_read_from_the_file()
    {
        // Each record costs a little over 600 bytes (a body of 400, its keys' 5 characters at two bytes each and 200 for
        // the entry), so a budget of 2,000 keeps the last three.
        var store = await OpenAsync(budgetBytes: 2_000);
        for (var i = 0; i < 10; i++)
        {
            await store.CommitAsync([Put($"r{i}", new string('x', 400), 0)], CancellationToken.None);
        }
        await WriteBehindTheStoresBackAsync("UPDATE records SET body = 'behind'");

        var bodies = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i => (await store.GetAsync("thing", $"r{i}", CancellationToken.None))!.BodyText()));

        Assert.Equal(3, store.Committed.Count);
        Assert.Equal([.. Enumerable.Repeat("behind", 7), .. Enumerable.Repeat(new string('x', 400), 3)], bodies);
    }

    [Fact]
    public async Task A_commit_that_conflicted_leaves_the_memory_as_it_was()
    {
        var store = await OpenAsync();
        await store.CommitAsync([Put("a", "committed", 0)], CancellationToken.None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.CommitAsync([Put("b", "new", 0), Put("a", "stale", 7)], CancellationToken.None));
        await WriteBehindTheStoresBackAsync("UPDATE records SET body = 'behind' WHERE id = 'a'");

        Assert.Equal(1, store.Committed.Count);
        Assert.Equal("committed", (await store.GetAsync("thing", "a", CancellationToken.None))!.BodyText());
        Assert.Null(await store.GetAsync("thing", "b", CancellationToken.None));
    }

    [Fact]
    public void A_commit_that_failed_in_the_storage_forgets_what_it_wrote_and_keeps_the_rest()
    {
        using var openers = SqliteOpeners.Open(DatabasePath);
        var committed = new CommittedRecords(openers, CommittedRecords.DefaultBudgetBytes);
        committed.Commit(() => { }, [Put("a", "1", 0), Put("b", "1", 0)]);

        var fault = new SqliteException("disk I/O error", SQLitePCL.raw.SQLITE_IOERR);
        Assert.Throws<SqliteException>(() => committed.Commit(() => throw fault, [Put("a", "2", 1)]));

        Assert.False(committed.TryGet("thing", "a", out _));
        Assert.True(committed.TryGet("thing", "b", out var kept));
        Assert.Equal("1", kept!.BodyText());
    }

    [Fact]
    public async Task A_read_of_many_during_which_a_commit_ended_reads_them_all_from_the_file()
    {
        using var openers = SqliteOpeners.Open(DatabasePath);
        var committed = new CommittedRecords(openers, CommittedRecords.DefaultBudgetBytes);
        committed.Commit(() => { }, [Put("a", "1", 0)]);
        var fileReads = new List<string[]>();

        var answer = await committed.GetMany("thing", ["a", "b"], ids =>
        {
            fileReads.Add([.. ids]);
            if (fileReads.Count == 1)
            {
                // A commit of "a" and "b" together ends between the memory's answer for "a" and the file's for "b".
                committed.Commit(() => { }, [Put("a", "2", 1), Put("b", "1", 0)]);
            }
            return Task.FromResult<IReadOnlyList<StoredRecord>>([new StoredRecord("thing", "from file", "s", "f", 1, Bodies.Of("{}"))]);
        });

        Assert.Equal([["b"], ["a", "b"]], fileReads);
        Assert.Equal(["from file"], answer.Select(record => record.Id));
    }

    [Fact]
    public async Task Stores_opening_the_file_at_the_same_moment_each_count_their_open()
    {
        var openers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => SqliteOpeners.Open(DatabasePath))));
        try
        {
            Assert.Equal(16, BitConverter.ToInt64(await File.ReadAllBytesAsync(SqliteOpeners.PathOf(DatabasePath))));
            Assert.Single(openers, opener => opener.IsAlone);
        }
        finally
        {
            foreach (var opener in openers)
            {
                opener.Dispose();
            }
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static PutRecord Put(string id, string body, long expectedVersion) => new("thing", id, "s", id, Bodies.Of(body), expectedVersion);

    private async Task<SqliteStateStore> OpenAsync(long budgetBytes = CommittedRecords.DefaultBudgetBytes)
    {
        var store = await SqliteStateStore.OpenAsync(DatabasePath, budgetBytes, CancellationToken.None);
        _stores.Add(store);
        return store;
    }

    private async Task WriteBehindTheStoresBackAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.True(await command.ExecuteNonQueryAsync() > 0);
    }
}
