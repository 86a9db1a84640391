using Microsoft.Data.Sqlite;

namespace Berth.Store.Sqlite;

/// <summary>How Berth opens each of its SQLite files (state, metrics, logs, events): the same way for all of them.</summary>
internal static class SqliteFiles
{
    /// <summary>
    /// The connection string of a database file, created with its folder when missing, and waiting up to 30 s for a
    /// lock rather than failing at once when a writer holds it. Pooled connections go back to Microsoft.Data.Sqlite's
    /// pool when disposed; a <see cref="SqliteSession"/>, which lives as long as its store, takes one unpooled, so
    /// that disposing it closes the file.
    /// </summary>
    public static string ConnectionString(string databasePath, bool pooled = true)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        return new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = pooled,
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
