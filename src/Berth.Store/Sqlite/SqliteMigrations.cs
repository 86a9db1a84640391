using Microsoft.Data.Sqlite;

namespace Berth.Store.Sqlite;

/// <summary>
/// Schema changes in order; each runs once, in its own transaction, and is recorded in schema_version.
/// Append new steps, never edit a shipped one: existing data files have already run it.
/// </summary>
internal static class SqliteMigrations
{
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE records (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            scope TEXT NOT NULL,
            sort_key TEXT NOT NULL,
            version INTEGER NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (kind, id)
        );
        CREATE INDEX records_by_scope ON records (kind, scope, sort_key);
        """,
        // The records' second key (RecordQuery.IndexKeyPrefix), and the tasks stored before it: EcsRecords.TaskIndexKey.
        """
        ALTER TABLE records ADD COLUMN index_key TEXT;
        CREATE INDEX records_by_index ON records (kind, scope, index_key, sort_key);
        UPDATE records SET index_key = json_extract(body, '$.desiredStatus') || char(10) || COALESCE(json_extract(body, '$.group'), '') || char(10)
        WHERE kind = 'task';
        """,
        // Heartbeats move out of the container instance records into records of their own (EcsRecords.AgentHeartbeats).
        """
        INSERT INTO records (kind, id, scope, sort_key, version, body)
        SELECT 'agent-heartbeat', id, scope, sort_key, 1, json_object('LastSeen', json_extract(body, '$.LastHeartbeat'))
        FROM records WHERE kind = 'container-instance';
        """,
        // Only records with a second key in its index: the others (claims, instances, heartbeats, most kinds) cost every
        // insert and delete a page of it for an entry no query reads. A query's range on index_key implies NOT NULL,
        // so SQLite still picks the index for it.
        """
        DROP INDEX records_by_index;
        CREATE INDEX records_by_index ON records (kind, scope, index_key, sort_key) WHERE index_key IS NOT NULL;
        """,
    ];

    public static async Task ApplyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await SqliteStateStore.ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", cancellationToken).ConfigureAwait(false);
        for (var step = await CurrentVersionAsync(connection, cancellationToken).ConfigureAwait(false); step < Steps.Length; step++)
        {
            await SqliteStateStore.ExecuteAsync(connection, "BEGIN IMMEDIATE;", cancellationToken).ConfigureAwait(false);
            await SqliteStateStore.ExecuteAsync(connection, Steps[step], cancellationToken).ConfigureAwait(false);
            await SqliteStateStore.ExecuteAsync(connection, $"DELETE FROM schema_version; INSERT INTO schema_version VALUES ({step + 1}); COMMIT;", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> CurrentVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}
