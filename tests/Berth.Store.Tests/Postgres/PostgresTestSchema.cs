using Berth.Store.Postgres;
using Npgsql;

namespace Berth.Store.Tests.Postgres;

/// <summary>
/// A schema of its own on the test server (BERTH_TEST_POSTGRES, from eng/setup-postgres.sh), so each test starts
/// empty in a few milliseconds; dropped at the end. Without the variable every PostgreSQL test fails, never skips.
/// </summary>
internal sealed class PostgresTestSchema : IAsyncDisposable
{
    private readonly string _adminConnectionString;
    private readonly string _name;

    private PostgresTestSchema(string adminConnectionString, string name)
    {
        _adminConnectionString = adminConnectionString;
        _name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { SearchPath = name }.ConnectionString;
    }

    /// <summary>Connections that find the store's tables in this schema.</summary>
    public string ConnectionString { get; }

    public static async Task<PostgresTestSchema> CreateAsync()
    {
        var url = Environment.GetEnvironmentVariable("BERTH_TEST_POSTGRES");
        if (string.IsNullOrEmpty(url))
        {
            throw new InvalidOperationException(
                "BERTH_TEST_POSTGRES is not set: the PostgreSQL store tests need a server. Run: export BERTH_TEST_POSTGRES=$(bash eng/setup-postgres.sh | tail -n 1)");
        }
        var schema = new PostgresTestSchema(PostgresUrl.ToConnectionString(url), $"test_{Guid.NewGuid():N}");
        await schema.ExecuteAsync($"CREATE SCHEMA {schema._name}");
        return schema;
    }

    /// <summary>A database on this schema with a connection pool of its own, as each server process has.</summary>
    public Task<PostgresDatabase> OpenDatabaseAsync() => PostgresDatabase.OpenAsync(ConnectionString, CancellationToken.None);

    public async ValueTask DisposeAsync() => await ExecuteAsync($"DROP SCHEMA {_name} CASCADE");

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
