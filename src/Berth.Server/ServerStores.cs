using Berth.Store;
using Berth.Store.Events;
using Berth.Store.Logs;
using Berth.Store.Metrics;
using Berth.Store.Postgres;
using Berth.Store.Sqlite;

namespace Berth.Server;

/// <summary>
/// Where a server keeps its data: SQLite files in the data directory (one server), or one PostgreSQL database
/// (<see cref="ServerOptions.StoreUrl"/>) that several servers share, with one connection pool per process.
/// </summary>
internal sealed record ServerStores(IStateStore State, ILogStore Logs, IEventLog Events, IMetricStore Metrics, PostgresDatabase? Database)
    : IAsyncDisposable
{
    public static async Task<ServerStores> OpenAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        if (options.StoreUrl is not { } url)
        {
            return new ServerStores(
                await SqliteStateStore.OpenAsync(options.DatabasePath, cancellationToken).ConfigureAwait(false),
                await SqliteLogStore.OpenAsync(options.LogsDatabasePath, cancellationToken).ConfigureAwait(false),
                await SqliteEventLog.OpenAsync(options.EventsDatabasePath, cancellationToken).ConfigureAwait(false),
                await SqliteMetricStore.OpenAsync(options.MetricsDatabasePath, cancellationToken).ConfigureAwait(false),
                null);
        }
        PostgresDatabase database;
        try
        {
            database = await PostgresDatabase.OpenAsync(PostgresUrl.ToConnectionString(url), cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            // A start-up error in one line, as a bad flag is: the server never starts without its store.
            throw new ArgumentException($"--store (BERTH_STORE): {e.Message}", e);
        }
        return new ServerStores(new PostgresStateStore(database), new PostgresLogStore(database), new PostgresEventLog(database),
            new PostgresMetricStore(database), database);
    }

    /// <summary>Closes them, for a start refused once they were open (a server that runs leaves them to its container).</summary>
    public async ValueTask DisposeAsync()
    {
        await State.DisposeAsync().ConfigureAwait(false);
        await Logs.DisposeAsync().ConfigureAwait(false);
        await Events.DisposeAsync().ConfigureAwait(false);
        await Metrics.DisposeAsync().ConfigureAwait(false);
        if (Database is not null)
        {
            await Database.DisposeAsync().ConfigureAwait(false);
        }
    }
}
