// State commits per second on each engine: each commit updates one of 96 records (a read, then a guarded put of a
// 1 kB body), by 1 writer and by 8 concurrent writers on records of their own, on a SQLite file and on PostgreSQL (a
// fresh schema of the server in BERTH_TEST_POSTGRES, dropped after), there with PostgreSQL's default durability (the
// commit waits for its WAL flush) and with synchronous_commit=off (SQLite's synchronous=NORMAL: no flush per commit).
// Usage:
//   export BERTH_TEST_POSTGRES=$(bash eng/setup-postgres.sh | tail -n 1)
//   dotnet run -c Release --project bench/Berth.Bench.Store -- [commits]
using System.Diagnostics;
using System.Globalization;
using Berth.Store;
using Berth.Store.Postgres;
using Berth.Store.Sqlite;
using Npgsql;

var commits = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4000;
var url = Environment.GetEnvironmentVariable("BERTH_TEST_POSTGRES")
    ?? throw new InvalidOperationException("Set BERTH_TEST_POSTGRES: export BERTH_TEST_POSTGRES=$(bash eng/setup-postgres.sh | tail -n 1)");
var admin = PostgresUrl.ToConnectionString(url);
var schema = $"bench_{Guid.NewGuid():N}";
var directory = Directory.CreateTempSubdirectory("berth-bench-store-").FullName;
await ExecuteAsync($"CREATE SCHEMA {schema}");
try
{
    await using var sqlite = await SqliteStateStore.OpenAsync(Path.Combine(directory, "berth.db"), CancellationToken.None);
    await using var database = await PostgresDatabase.OpenAsync(new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema }.ConnectionString, CancellationToken.None);
    await using var postgres = new PostgresStateStore(database);
    await using var unflushedDatabase = await PostgresDatabase.OpenAsync(
        new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema, Options = "-c synchronous_commit=off" }.ConnectionString, CancellationToken.None);
    await using var unflushed = new PostgresStateStore(unflushedDatabase);
    Console.WriteLine($"commits: {commits}, cores: {Environment.ProcessorCount}");
    // Twice, interleaved, so neither engine gets all of the warm-up.
    for (var round = 1; round <= 2; round++)
    {
        foreach (var writers in new[] { 1, 8 })
        {
            await MeasureAsync($"round {round}, {writers} writer(s): SQLite", sqlite, writers);
            await MeasureAsync($"round {round}, {writers} writer(s): PostgreSQL", postgres, writers);
            await MeasureAsync($"round {round}, {writers} writer(s): PostgreSQL, synchronous_commit=off", unflushed, writers);
        }
    }
}
finally
{
    Directory.Delete(directory, recursive: true);
    await ExecuteAsync($"DROP SCHEMA {schema} CASCADE");
}

async Task MeasureAsync(string name, IStateStore store, int writers)
{
    var prefix = Guid.NewGuid().ToString("N");
    var body = System.Text.Encoding.UTF8.GetBytes(new string('x', 1024));
    await store.CommitAsync([.. Enumerable.Range(0, 96).Select(i => (RecordWrite)new PutRecord("bench", $"{prefix}{i}", "s", $"{prefix}{i}", body, 0))],
        CancellationToken.None);
    var stopwatch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
    {
        // Writer w updates records of its own (96 / writers of them), so writers never conflict.
        var own = 96 / writers;
        for (var n = 0; n < commits / writers; n++)
        {
            var id = $"{prefix}{w * own + n % own}";
            var current = (await store.GetAsync("bench", id, CancellationToken.None))!;
            await store.CommitAsync([new PutRecord("bench", id, "s", id, body, current.Version)], CancellationToken.None);
        }
    })));
    stopwatch.Stop();
    Console.WriteLine($"{name}: {commits / stopwatch.Elapsed.TotalSeconds:F0} read+commit/s ({stopwatch.Elapsed.TotalMilliseconds * 1000 / commits:F0} µs each)");
}

async Task ExecuteAsync(string sql)
{
    await using var connection = new NpgsqlConnection(admin);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}
