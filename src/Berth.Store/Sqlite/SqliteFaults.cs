using Microsoft.Data.Sqlite;
using static SQLitePCL.raw;

namespace Berth.Store.Sqlite;

/// <summary>
/// Turns SQLite's storage failures (disk full, read-only, I/O error, file gone) into <see cref="StoreUnavailableException"/>,
/// so callers can tell them from bugs. SQLite has already rolled such a statement back, so nothing was half-written.
/// </summary>
internal static class SqliteFaults
{
    public static async Task<T> GuardAsync<T>(string databasePath, Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (SqliteException e) when (Describe(e) is { } what)
        {
            throw Unavailable(databasePath, what, e);
        }
    }

    /// <remarks>Not a wrapper of the generic overload: every state commit passes here, and that cost a second state machine.</remarks>
    public static async Task GuardAsync(string databasePath, Func<Task> operation)
    {
        try
        {
            await operation().ConfigureAwait(false);
        }
        catch (SqliteException e) when (Describe(e) is { } what)
        {
            throw Unavailable(databasePath, what, e);
        }
    }

    /// <summary>
    /// Rolls back the connection's open transaction, if any: after SQLITE_FULL or an I/O error SQLite may have rolled
    /// it back already, and a second ROLLBACK would fail and hide the error that mattered.
    /// </summary>
    public static async Task RollbackIfOpenAsync(SqliteConnection connection)
    {
        if (sqlite3_get_autocommit(connection.Handle) == 0)
        {
            await SqliteStateStore.ExecuteAsync(connection, "ROLLBACK;", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Whether the error is the storage's (disk full, read-only, I/O, file gone) rather than the statement's.</summary>
    public static bool IsStorageFault(SqliteException e) => Describe(e) is not null;

    private static StoreUnavailableException Unavailable(string databasePath, string what, SqliteException e) =>
        new($"Berth's data store cannot be used: {databasePath} {what}. Nothing was changed; retry once the storage takes writes again.", e);

    private static string? Describe(SqliteException e) => e.SqliteErrorCode switch
    {
        SQLITE_FULL => "is on a full disk",
        SQLITE_READONLY => "is read-only",
        SQLITE_IOERR => "failed a disk read or write (the disk may be read-only or failing)",
        SQLITE_CANTOPEN => "cannot be opened",
        _ => null,
    };
}
