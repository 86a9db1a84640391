using Microsoft.Data.Sqlite;

namespace Berth.Store.Sqlite;

/// <summary>How Berth opens each of its SQLite files (state, metrics, logs, events): the same way for all of them.</summary>
internal static class SqliteFiles
{
    /// <summary>
    /// The connection string of a database file, created with its folder when missing; pooled, and waiting up to
    /// 30 s for a lock rather than failing at once when a writer holds it.
    /// </summary>
    public static string ConnectionString(string databasePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        return new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>An open connection to the database (from the pool, when one is free).</summary>
    public static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
