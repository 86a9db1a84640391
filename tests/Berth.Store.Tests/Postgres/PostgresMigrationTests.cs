using System.Text;
using Berth.Store.Postgres;
using Npgsql;

namespace Berth.Store.Tests.Postgres;

/// <summary>Databases written by an older Berth, opened by this one: each migration step brings their records into today's shape.</summary>
public sealed class PostgresMigrationTests : IAsyncLifetime
{
    private PostgresTestSchema? _schema;

    public async Task InitializeAsync() => _schema = await PostgresTestSchema.CreateAsync();

    [Fact]
    public async Task Container_instances_stored_with_their_heartbeat_inside_get_a_heartbeat_record_with_that_time()
    {
        await WriteSchemaVersion2Async([HeartbeatInsideInstance.Record]);

        await using var database = await _schema!.OpenDatabaseAsync();

        await HeartbeatInsideInstance.AssertMigratedAsync(new PostgresStateStore(database));
    }

    [Fact]
    public async Task The_second_key_index_of_an_older_database_keeps_only_records_that_have_a_second_key()
    {
        await WriteSchemaVersion2Async([]);

        await using (await _schema!.OpenDatabaseAsync())
        {
        }

        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT indexdef FROM pg_indexes WHERE indexname = 'records_by_index' AND schemaname = current_schema()", connection);
        Assert.EndsWith("WHERE (index_key IS NOT NULL)", (string?)await command.ExecuteScalarAsync());
    }

    /// <summary>
    /// The records table as Berth left it after its second migration (with index_key, before heartbeats had records of
    /// their own); the other stores' tables play no part in the later steps, so they are left out.
    /// </summary>
    private async Task WriteSchemaVersion2Async(IReadOnlyList<PutRecord> records)
    {
        await using var connection = new NpgsqlConnection(_schema!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            CREATE TABLE records (kind TEXT COLLATE "C" NOT NULL, id TEXT COLLATE "C" NOT NULL, scope TEXT COLLATE "C" NOT NULL,
                sort_key TEXT COLLATE "C" NOT NULL, version BIGINT NOT NULL, body TEXT NOT NULL, index_key TEXT COLLATE "C",
                PRIMARY KEY (kind, id));
            CREATE INDEX records_by_scope ON records (kind, scope, sort_key);
            CREATE INDEX records_by_index ON records (kind, scope, index_key, sort_key);
            CREATE TABLE schema_version (version INTEGER NOT NULL);
            INSERT INTO schema_version VALUES (2);
            """, connection);
        await command.ExecuteNonQueryAsync();
        foreach (var record in records)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO records VALUES (@kind, @id, @scope, @sortKey, 1, @body, NULL)", connection);
            insert.Parameters.AddWithValue("kind", record.Kind);
            insert.Parameters.AddWithValue("id", record.Id);
            insert.Parameters.AddWithValue("scope", record.Scope);
            insert.Parameters.AddWithValue("sortKey", record.SortKey);
            insert.Parameters.AddWithValue("body", Encoding.UTF8.GetString(record.Body));
            await insert.ExecuteNonQueryAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }
    }
}
