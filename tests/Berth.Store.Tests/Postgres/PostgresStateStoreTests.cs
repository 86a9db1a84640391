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

    [Fact]
    public async Task Every_connection_busy_is_store_unavailable_naming_the_bound_a_user_sets()
    {
        // A pool of 4 whose requests wait 1 s for a connection (Npgsql's Timeout; 15 s by default).
        var bounded = new Npgsql.NpgsqlConnectionStringBuilder(_schema!.ConnectionString) { MaxPoolSize = 4, Timeout = 1 }.ConnectionString;
        await using var database = await PostgresDatabase.OpenAsync(bounded, CancellationToken.None);
        var store = new PostgresStateStore(database);
        var held = new List<Npgsql.NpgsqlConnection>();
        for (var i = 0; i < 4; i++)
        {
            held.Add(await database.OpenConnectionAsync(CancellationToken.None));
        }

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync("thing", "a", CancellationToken.None));

        // Npgsql's own words ask to "raise 'Max Pool Size'", a connection-string key the --store URL does not take.
        Assert.Contains("kept all 4 of this server's connections busy for longer than a request waits for one (pool_max_conns in the --store URL raises the bound;",
            error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Max Pool Size", error.Message, StringComparison.Ordinal);
        foreach (var connection in held)
        {
            await connection.DisposeAsync();
        }
        Assert.Null(await store.GetAsync("thing", "a", CancellationToken.None));
    }

    [Fact]
    public async Task A_statement_run_again_on_a_connection_is_prepared_there_once()
    {
        await Store.CommitAsync([new PutRecord("thing", "a", "s", "a", Bodies.Of("1"), 0)], CancellationToken.None);

        // One at a time, the reads all run on the one physical connection the pool holds.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("1", (await Store.GetAsync("thing", "a", CancellationToken.None))!.BodyText());
        }

        await using var connection = await _databases[0].OpenConnectionAsync(CancellationToken.None);
        await using var prepared = connection.CreateCommand();
        // Npgsql sends the statement with positional parameters: RecordSql.Get's text with @kind, @id as $1, $2.
        prepared.CommandText = "SELECT count(*) FROM pg_prepared_statements WHERE statement = @get";
        prepared.Parameters.AddWithValue("get", Sql.RecordSql.Get("thing", "a").Text.Replace("@kind", "$1", StringComparison.Ordinal).Replace("@id", "$2", StringComparison.Ordinal));
        Assert.Equal(1L, await prepared.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_pooled_connection_goes_back_to_the_pool_without_a_reset()
    {
        // One at a time, both uses get the one physical connection the pool holds.
        await using (var first = await _databases[0].OpenConnectionAsync(CancellationToken.None))
        {
            await using var set = first.CreateCommand();
            set.CommandText = "SELECT set_config('berth.test', 'kept', false)";
            await set.ExecuteScalarAsync();
        }

        await using var second = await _databases[0].OpenConnectionAsync(CancellationToken.None);
        await using var read = second.CreateCommand();
        // A reset (RESET ALL among the statements Npgsql sends by default) would have cleared the setting.
        read.CommandText = "SELECT current_setting('berth.test', true)";
        Assert.Equal("kept", await read.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_body_is_stored_as_the_text_of_its_utf8_bytes()
    {
        // Sent as bytes and converted into the TEXT column by the server: what a string parameter stored before.
        const string body = """{"name":"naïve 𝄞","n":1}""";
        await Store.CommitAsync([new PutRecord("thing", "a", "s", "a", Bodies.Of(body), 0)], CancellationToken.None);

        await using var connection = await _databases[0].OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT body, body::jsonb ->> 'name' FROM records WHERE kind = 'thing' AND id = 'a'";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((body, "naïve 𝄞"), (reader.GetString(0), reader.GetString(1)));
    }

    [Fact]
    public void A_connection_string_that_sets_its_own_preparation_limit_keeps_it()
    {
        var own = new Npgsql.NpgsqlConnectionStringBuilder(PostgresDatabase.WithPoolSettings("Host=h;Max Auto Prepare=5"));
        var unset = new Npgsql.NpgsqlConnectionStringBuilder(PostgresDatabase.WithPoolSettings("Host=h"));

        Assert.Equal(5, own.MaxAutoPrepare);
        Assert.True(unset.MaxAutoPrepare > 0);
    }

    [Fact]
    public async Task The_records_table_is_analyzed_once_a_store_inserted_as_many_records_as_it_held()
    {
        var store = (PostgresStateStore)Store;
        await using var connection = await _databases[0].OpenConnectionAsync(CancellationToken.None);
        var before = await RecordStatistics.RowsAsync(connection);

        await store.CommitAsync([.. Enumerable.Range(0, (int)RecordStatistics.MinimumInserts)
            .Select(i => new PutRecord("thing", $"t{i:D5}", "s", $"{i:D5}", Bodies.Of("1"), 0))], CancellationToken.None);
        await store.Statistics.Running;

        // -1 is "never analyzed"; the analysis counted the rows.
        Assert.Equal(-1, before);
        Assert.True(await RecordStatistics.RowsAsync(connection) >= RecordStatistics.MinimumInserts);
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
