using Berth.Store.Postgres;

namespace Berth.Store.Tests.Postgres;

/// <summary>The store contract on a fresh schema of the test server; other instances get connection pools of their own.</summary>
public sealed class PostgresStateStoreTests : StateStoreContract
{
    private readonly List<PostgresDatabase> _databases = [];
    private PostgresTestSchema? _schema;

    public override async Task InitializeAsync()
    {
        _schema = await PostgresTestSchema.CreateAsync();
        await base.InitializeAsync();
    }

    protected override Task<IStateStore> OpenEmptyStoreAsync() => OpenAnotherInstanceAsync();

    protected override async Task<IStateStore> OpenAnotherInstanceAsync()
    {
        var database = await _schema!.OpenDatabaseAsync();
        _databases.Add(database);
        return new PostgresStateStore(database);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_start_up_error_without_the_password()
    {
        var connectionString = PostgresUrl.ToConnectionString("postgres://berth:hunter2@127.0.0.1:1/berth");

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => PostgresDatabase.OpenAsync(connectionString, CancellationToken.None));

        Assert.Contains("database 'berth' at 127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }
    }
}
