using Microsoft.Data.Sqlite;

namespace Berth.Store.Sqlite;

/// <summary>How Berth opens each of its SQLite files (state, metrics, logs): the same way for all of them.</summary>
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
}
