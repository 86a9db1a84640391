using Berth.Store.Postgres;

namespace Berth.Store.Tests.Postgres;

/// <summary>A test's own schema and database on the test server, for the PostgreSQL side of each store contract.</summary>
internal sealed class PostgresEngine : IAsyncDisposable
{
    private PostgresTestSchema? _schema;
    private PostgresDatabase? _database;

    public PostgresDatabase Database => _database ?? throw new InvalidOperationException("The database is not open.");

    public async Task<PostgresDatabase> OpenAsync()
    {
        _schema = await PostgresTestSchema.CreateAsync();
        return _database = await _schema.OpenDatabaseAsync();
    }

    /// <summary>Another database on the same schema, with a pool of its own, as another server opens; the caller disposes it.</summary>
    public Task<PostgresDatabase> OpenAnotherDatabaseAsync() =>
        (_schema ?? throw new InvalidOperationException("The database is not open.")).OpenDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }
    }
}
