using System.Text;
using Berth.Core.Ecs;
using Berth.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Berth.Store.Tests.Sqlite;

/// <summary>The store contract on a fresh SQLite file in a temporary directory.</summary>
public sealed class SqliteStateStoreTests : StateStoreContract, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"berth-store-{Guid.NewGuid():N}");

    protected override async Task<IStateStore> OpenEmptyStoreAsync() =>
        await SqliteStateStore.OpenAsync(Path.Combine(_directory, "berth.db"), CancellationToken.None);

    protected override async Task<IStateStore> OpenAnotherInstanceAsync() =>
        await SqliteStateStore.OpenAsync(Path.Combine(_directory, "berth.db"), CancellationToken.None);

    [Fact]
    public async Task Reopening_the_file_keeps_committed_records()
    {
        await Store.CommitAsync([new PutRecord("thing", "a", "s", "a", Bodies.Of("body"), 0)], CancellationToken.None);

        await using var reopened = await SqliteStateStore.OpenAsync(Path.Combine(_directory, "berth.db"), CancellationToken.None);

        Assert.Equal(new RecordText("thing", "a", "s", "a", 1, "body"), (await reopened.GetAsync("thing", "a", CancellationToken.None)).AsText());
    }

    [Fact]
    public async Task Commits_queued_behind_a_writer_go_in_together_and_each_stale_one_fails_alone()
    {
        await Store.CommitAsync([new PutRecord("thing", "shared", "s", "shared", Bodies.Of("0"), 0)], CancellationToken.None);
        const int commits = 40;

        // Every fifth names a stale version after a write of its own, which must be undone.
        var applied = await CommitQueuedTogetherAsync(Enumerable.Range(0, commits).Select(i =>
        {
            var id = $"r{i:D2}";
            RecordWrite stale = i % 5 == 0 ? new PutRecord("thing", "shared", "s", "shared", Bodies.Of("stale"), 7) : new RequireVersion("thing", "shared", 1);
            return (IReadOnlyList<RecordWrite>)[new PutRecord("thing", id, "s", id, Bodies.Of("{}"), 0), stale];
        }).ToList());

        Assert.Equal(Enumerable.Range(0, commits).Select(i => i % 5 != 0), applied);
        var stored = await Store.QueryAsync(new RecordQuery("thing", "s") { SortKeyPrefix = "r" }, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, commits).Where(i => i % 5 != 0).Select(i => $"r{i:D2}"), stored.Select(r => r.Id));
        Assert.Equal("0", (await Store.GetAsync("thing", "shared", CancellationToken.None))!.BodyText());
    }

    [Fact]
    public async Task In_a_group_a_stale_single_write_or_assertion_fails_alone_and_the_commits_after_it_see_the_file_as_before_it()
    {
        await Store.CommitAsync([new PutRecord("thing", "shared", "s", "shared", Bodies.Of("0"), 0)], CancellationToken.None);
        const int commits = 30;

        // A commit of one stale write, a commit that asserts a stale version only, and a commit that asserts the
        // current version and then writes (these run without a SAVEPOINT: nothing before their last write changes a row).
        var applied = await CommitQueuedTogetherAsync(Enumerable.Range(0, commits).Select(i => (i % 3) switch
        {
            0 => (IReadOnlyList<RecordWrite>)[new PutRecord("thing", "shared", "s", "shared", Bodies.Of($"stale {i}"), 7)],
            1 => [new RequireVersion("thing", "shared", 2)],
            _ => [new RequireVersion("thing", "shared", 1), new PutRecord("thing", $"r{i:D2}", "s", $"r{i:D2}", Bodies.Of("{}"), 0)],
        }).ToList());

        Assert.Equal(Enumerable.Range(0, commits).Select(i => i % 3 == 2), applied);
        var stored = await Store.QueryAsync(new RecordQuery("thing", "s") { SortKeyPrefix = "r" }, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, commits).Where(i => i % 3 == 2).Select(i => $"r{i:D2}"), stored.Select(r => r.Id));
        Assert.Equal(new RecordText("thing", "shared", "s", "shared", 1, "0"), (await Store.GetAsync("thing", "shared", CancellationToken.None)).AsText());
    }

    [Fact]
    public async Task Tasks_stored_before_the_index_key_existed_get_the_key_berth_gives_them_now()
    {
        var file = Path.Combine(_directory, "old.db");
        var withGroup = new EcsTask { TaskArn = "arn:t/1", ClusterArn = "arn:c", DesiredStatus = "RUNNING", LastStatus = "RUNNING", Group = "service:web" };
        var withoutGroup = withGroup with { TaskArn = "arn:t/2", DesiredStatus = "STOPPED", Group = null };
        await WriteSchemaVersion1Async(file, [EcsRecords.PutTask(withGroup, 0), EcsRecords.PutTask(withoutGroup, 0)]);

        await using var store = await SqliteStateStore.OpenAsync(file, CancellationToken.None);

        foreach (var task in new[] { withGroup, withoutGroup })
        {
            var query = new RecordQuery(EcsRecords.TaskKind, "arn:c") { IndexKeyPrefix = EcsRecords.TaskIndexKey(task) };
            Assert.Equal([task.TaskArn], (await store.QueryAsync(query, CancellationToken.None)).Select(r => r.Id));
        }
    }

    [Fact]
    public async Task The_second_key_index_of_an_older_file_keeps_only_records_that_have_a_second_key()
    {
        var file = Path.Combine(_directory, "old.db");
        await WriteSchemaVersion1Async(file, []);

        await using (await SqliteStateStore.OpenAsync(file, CancellationToken.None))
        {
        }

        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_schema WHERE name = 'records_by_index'";
        Assert.EndsWith("WHERE index_key IS NOT NULL", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Container_instances_stored_with_their_heartbeat_inside_get_a_heartbeat_record_with_that_time()
    {
        var file = Path.Combine(_directory, "old.db");
        await WriteSchemaVersion1Async(file, [HeartbeatInsideInstance.Record]);

        await using var store = await SqliteStateStore.OpenAsync(file, CancellationToken.None);

        await HeartbeatInsideInstance.AssertMigratedAsync(store);
    }

    [Fact]
    public async Task A_file_whose_bodies_were_bound_as_strings_reads_as_before_and_bodies_written_now_are_text()
    {
        // Bodies were bound as strings until they became UTF-8 bytes; a byte array binds as a BLOB, which json_extract
        // (the migrations') would read as SQLite's binary JSONB, so the store writes them as TEXT still.
        var file = Path.Combine(_directory, "old.db");
        const string oldBody = """{"name":"naïve 𝄞","n":1}""";
        await WriteSchemaVersion1Async(file, [new PutRecord("thing", "old", "s", "old", Bodies.Of(oldBody), 0)]);

        await using (var store = await SqliteStateStore.OpenAsync(file, CancellationToken.None))
        {
            Assert.Equal(new RecordText("thing", "old", "s", "old", 1, oldBody), (await store.GetAsync("thing", "old", CancellationToken.None)).AsText());
            await store.CommitAsync(
                [new PutRecord("thing", "old", "s", "old", Bodies.Of("""{"name":"é","n":2}"""), 1), new PutRecord("thing", "new", "s", "new", Bodies.Of("""{"name":"𝄞","n":3}"""), 0)],
                CancellationToken.None);
        }

        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, typeof(body), json_extract(body, '$.name') FROM records ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        Assert.Equal([("new", "text", "𝄞"), ("old", "text", "é")], rows);
    }

    /// <summary>
    /// Commits each list of writes at once while another connection holds the file's write lock, so the first commit
    /// waits in BEGIN and all others queue behind it and make up the next transaction; whether each applied.
    /// </summary>
    private async Task<bool[]> CommitQueuedTogetherAsync(IReadOnlyList<IReadOnlyList<RecordWrite>> commits)
    {
        await using var holder = new SqliteConnection($"Data Source={Path.Combine(_directory, "berth.db")};Pooling=False");
        await holder.OpenAsync();
        await using var begin = holder.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE;";
        await begin.ExecuteNonQueryAsync();
        var queued = 0;

        var outcomes = commits.Select(writes => Task.Run(async () =>
        {
            // The call returns once the commit is queued; only the one that took the writer waits inside it, in BEGIN.
            var commit = Store.CommitAsync(writes, CancellationToken.None);
            Interlocked.Increment(ref queued);
            try
            {
                await commit;
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        })).ToList();
        while (Volatile.Read(ref queued) < commits.Count - 1)
        {
            await Task.Delay(10);
        }
        begin.CommandText = "ROLLBACK;";
        await begin.ExecuteNonQueryAsync();
        return await Task.WhenAll(outcomes);
    }

    /// <summary>A data file as Berth wrote it before its second migration: the records table without index_key.</summary>
    private static async Task WriteSchemaVersion1Async(string file, IReadOnlyList<PutRecord> records)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE records (kind TEXT NOT NULL, id TEXT NOT NULL, scope TEXT NOT NULL, sort_key TEXT NOT NULL,
                version INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, id));
            CREATE INDEX records_by_scope ON records (kind, scope, sort_key);
            CREATE TABLE schema_version (version INTEGER NOT NULL);
            INSERT INTO schema_version VALUES (1);
            """;
        await command.ExecuteNonQueryAsync();
        foreach (var record in records)
        {
            command.CommandText = "INSERT INTO records VALUES (@kind, @id, @scope, @sortKey, 1, @body)";
            command.Parameters.Clear();
            command.Parameters.AddWithValue("@kind", record.Kind);
            command.Parameters.AddWithValue("@id", record.Id);
            command.Parameters.AddWithValue("@scope", record.Scope);
            command.Parameters.AddWithValue("@sortKey", record.SortKey);
            // As Berth bound bodies then: a string, so SQLite stored TEXT.
            command.Parameters.AddWithValue("@body", Encoding.UTF8.GetString(record.Body));
            await command.ExecuteNonQueryAsync();
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
