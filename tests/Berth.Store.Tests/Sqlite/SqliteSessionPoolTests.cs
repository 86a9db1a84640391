using System.Collections.Concurrent;
using System.Data;
using Berth.Store.Sql;
using Berth.Store.Sqlite;
using Microsoft.Data.Sqlite;
using static SQLitePCL.raw;

namespace Berth.Store.Tests.Sqlite;

/// <summary>The reader sessions of the SQLite store: how many, which are reused, and what closes them.</summary>
public sealed class SqliteSessionPoolTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"berth-pool-{Guid.NewGuid():N}");
    private readonly ConcurrentQueue<SqliteSession> _opened = new();

    private string DatabasePath => Path.Combine(_directory, "pool.db");

    [Fact]
    public async Task A_session_whose_read_hit_a_storage_fault_is_closed_and_never_lent_again()
    {
        using var pool = NewPool(size: 1);
        var first = await pool.UseAsync(Task.FromResult, CancellationToken.None);

        await Assert.ThrowsAsync<SqliteException>(() => pool.UseAsync<int>(
            session => throw new SqliteException("disk I/O error", SQLITE_IOERR), CancellationToken.None));
        var next = await pool.UseAsync(Task.FromResult, CancellationToken.None);

        Assert.Equal(ConnectionState.Closed, first.Connection.State);
        Assert.NotSame(first, next);
        Assert.Equal(ConnectionState.Open, next.Connection.State);
    }

    [Fact]
    public async Task A_writer_connection_that_hit_a_storage_fault_is_closed_and_the_next_commit_opens_another()
    {
        await using (await SqliteStateStore.OpenAsync(DatabasePath, CancellationToken.None))
        {
            // Creates the records table.
        }
        // The first writer connection refuses every change with SQLITE_READONLY, as a file on a read-only disk does.
        using var openers = SqliteOpeners.Open(DatabasePath);
        using var commits = new SqliteGroupCommit(
            async cancellationToken =>
            {
                var session = await SqliteSession.OpenAsync(DatabasePath, _opened.IsEmpty ? ["PRAGMA query_only=1;"] : [], cancellationToken);
                _opened.Enqueue(session);
                return session;
            },
            openers,
            new CommittedRecords(openers, CommittedRecords.DefaultBudgetBytes));

        var error = await Assert.ThrowsAsync<SqliteException>(() => commits.CommitAsync([new PutRecord("thing", "a", "s", "a", Bodies.Of("1"), 0)], CancellationToken.None));
        await commits.CommitAsync([new PutRecord("thing", "a", "s", "a", Bodies.Of("1"), 0)], CancellationToken.None);

        Assert.Equal(SQLITE_READONLY, error.SqliteErrorCode);
        Assert.Equal(2, _opened.Count);
        Assert.Equal(ConnectionState.Closed, _opened.First().Connection.State);
    }

    [Fact]
    public async Task Reads_beyond_the_pool_size_wait_for_a_session_and_all_complete()
    {
        using var pool = NewPool(size: 2);
        var running = 0;
        var mostAtOnce = 0;

        var reads = Enumerable.Range(0, 20).Select(i => Task.Run(() => pool.UseAsync(async session =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            await Task.Delay(5);
            var value = Convert.ToInt32(await session.Command(new SqlStatement("SELECT @n", ("@n", i))).ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            Interlocked.Decrement(ref running);
            return value;
        }, CancellationToken.None))).ToList();

        Assert.Equal(Enumerable.Range(0, 20), await Task.WhenAll(reads));
        Assert.InRange(mostAtOnce, 1, 2);
        Assert.InRange(_opened.Count, 1, 2);
    }

    [Fact]
    public async Task Disposing_the_pool_closes_idle_sessions_at_once_and_busy_ones_when_their_read_ends()
    {
        var pool = NewPool(size: 3);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => pool.UseAsync(async session =>
        {
            await Task.Delay(20);
            return 0;
        }, CancellationToken.None)));
        var release = new TaskCompletionSource();
        var busy = pool.UseAsync(async session =>
        {
            await release.Task;
            return session;
        }, CancellationToken.None);

        pool.Dispose();
        var stillReading = _opened.Count(session => session.Connection.State == ConnectionState.Open);
        release.SetResult();
        var busySession = await busy;

        Assert.Equal(1, stillReading);
        Assert.All(_opened, session => Assert.Equal(ConnectionState.Closed, session.Connection.State));
        Assert.Equal(ConnectionState.Closed, busySession.Connection.State);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.UseAsync(Task.FromResult, CancellationToken.None));
    }

    [Fact]
    public async Task Disposing_the_store_closes_every_connection_to_its_file()
    {
        var store = await SqliteStateStore.OpenAsync(DatabasePath, CancellationToken.None);
        await store.CommitAsync([new PutRecord("thing", "a", "s", "a", Bodies.Of("1"), 0)], CancellationToken.None);
        // Reads of a record the store did not commit itself, which it reads from the file.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => store.GetAsync("thing", "b", CancellationToken.None))));
        var whileOpen = OpenHandlesOf(DatabasePath);

        await store.DisposeAsync();

        Assert.True(whileOpen > 1, $"{whileOpen} handles while open: the writer and at least one reader");
        Assert.Equal(0, OpenHandlesOf(DatabasePath));
    }

    [Fact]
    public async Task A_session_prepares_each_text_once_and_holds_no_read_snapshot_between_reads()
    {
        using var reader = await OpenRawAsync();
        using var writer = await OpenRawAsync();
        await SqliteStateStore.ExecuteAsync(writer.Connection, "PRAGMA journal_mode=WAL;", CancellationToken.None);
        await SqliteStateStore.ExecuteAsync(writer.Connection, "CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3);", CancellationToken.None);

        for (var n = 0; n < 3; n++)
        {
            var rows = await reader.Command(new SqlStatement("SELECT n FROM t WHERE n > @n", ("@n", n))).ExecuteReaderAsync();
            await using (rows)
            {
                Assert.True(await rows.ReadAsync());
                Assert.Equal(n + 1, rows.GetInt32(0));
            }
        }
        writer.Execute(new SqlStatement("INSERT INTO t VALUES (4);"));

        Assert.Equal(1, reader.CommandCount);
        // A statement left running would hold its read snapshot, and no checkpoint could copy the WAL past it.
        var checkpoint = await writer.Command(new SqlStatement("PRAGMA wal_checkpoint(PASSIVE);")).ExecuteReaderAsync();
        await using (checkpoint)
        {
            Assert.True(await checkpoint.ReadAsync());
            Assert.Equal(0, checkpoint.GetInt32(0));
            Assert.Equal(checkpoint.GetInt32(1), checkpoint.GetInt32(2));
        }
    }

    [Fact]
    public async Task A_session_keeps_a_bounded_number_of_prepared_statements()
    {
        using var session = await OpenRawAsync();

        for (var n = 0; n < SqliteSession.MaxCommands + 10; n++)
        {
            session.Execute(new SqlStatement($"SELECT {n};"));
        }

        Assert.Equal(SqliteSession.MaxCommands, session.CommandCount);
    }

    public void Dispose()
    {
        foreach (var session in _opened)
        {
            session.Dispose();
        }
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private SqliteSessionPool NewPool(int size) => new(async cancellationToken =>
    {
        var session = await SqliteSession.OpenAsync(DatabasePath, [], cancellationToken);
        _opened.Enqueue(session);
        return session;
    }, size);

    private async Task<SqliteSession> OpenRawAsync()
    {
        var session = await SqliteSession.OpenAsync(DatabasePath, [], CancellationToken.None);
        _opened.Enqueue(session);
        return session;
    }

    /// <summary>This process's open file descriptors on the file (Linux: /proc/self/fd).</summary>
    private static int OpenHandlesOf(string path)
    {
        var full = Path.GetFullPath(path);
        return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count(fd => LinkTarget(fd) == full);
    }

    /// <summary>Where a descriptor points, or null when another thread closed it meanwhile.</summary>
    private static string? LinkTarget(string descriptor)
    {
        try
        {
            return new FileInfo(descriptor).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
