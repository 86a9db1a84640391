using Npgsql;

namespace Berth.Store.Postgres;

/// <summary>
/// One PostgreSQL database holding all of a server's stores (<see cref="PostgresStateStore"/>, <see cref="PostgresLogStore"/>,
/// <see cref="PostgresMetricStore"/>, <see cref="PostgresEventLog"/>) behind one connection pool. Opening it checks
/// that the server answers and brings the schema up to date, so a wrong URL or password stops the start. The stores
/// share it and do not own it: whoever opened it disposes it, after them.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    /// <summary>How Npgsql's message for a connection pool with no free connection begins.</summary>
    private const string PoolExhausted = "The connection pool has been exhausted";

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>The pool's bound (<see cref="PostgresUrl"/>'s pool_max_conns), for the message when every connection is busy.</summary>
    private readonly int _maxConnections;

    private PostgresDatabase(NpgsqlDataSource dataSource, string description, int maxConnections)
    {
        _dataSource = dataSource;
        Description = description;
        _maxConnections = maxConnections;
    }

    /// <summary>Where the database is, without the password.</summary>
    public string Description { get; }

    /// <summary>Opens the database of an Npgsql connection string; <see cref="StoreUnavailableException"/> when it cannot be used.</summary>
    public static async Task<PostgresDatabase> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var database = new PostgresDatabase(NpgsqlDataSource.Create(WithPoolSettings(connectionString)), PostgresUrl.Describe(connectionString),
            new NpgsqlConnectionStringBuilder(connectionString).MaxPoolSize);
        try
        {
            await using var connection = await database._dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await PostgresMigrations.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
            return database;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw new StoreUnavailableException($"Berth cannot use the {database.Description}: {database.Reason(e)}", e);
        }
    }

    /// <summary>
    /// Lets Npgsql prepare the statements each physical connection runs again and again (Npgsql prepares nothing
    /// unless asked: "Max Auto Prepare" is 0 by default), so PostgreSQL parses and plans each of them once per
    /// connection instead of once per call; prepared statements outlive the pooled connection's Close. The records'
    /// statements are a bounded set of about 150 texts and the logs', metrics' and events' a few dozen more; beyond
    /// the limit Npgsql drops the least recently used. A text prepares on its second run, so one-offs (migrations)
    /// stay unprepared. A connection string that sets its own limit keeps it.
    /// </summary>
    /// <remarks>
    /// And a connection goes back to the pool without a reset ("No Reset On Close"): by default Npgsql sends RESET
    /// ALL, CLOSE ALL, UNLISTEN *, pg_advisory_unlock_all(), DISCARD SEQUENCES and DISCARD TEMP ahead of the next
    /// statement on it, six statements PostgreSQL runs for every read and commit the stores make. The stores leave
    /// nothing behind for them to clear: they set no session settings, open no cursors, take advisory locks only for
    /// their transaction (pg_advisory_xact_lock), use no sequences' session state or temporary tables, and LISTEN only on
    /// the event log's own connection, held until the log is disposed; Npgsql rolls back a transaction left open
    /// whether or not it resets.
    /// </remarks>
    internal static string WithPoolSettings(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 200;
            builder.AutoPrepareMinUsages = 2;
        }
        return builder.ConnectionString;
    }

    internal ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken) => _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// Runs an operation, turning a lost or refused connection and the server's own storage failures into
    /// <see cref="StoreUnavailableException"/>, so callers can tell them from bugs. PostgreSQL rolls back a transaction
    /// whose connection is lost; only a commit cut off mid-way (its batch sent, the answer lost) leaves its outcome
    /// unknown, and the versions make the caller's retry safe: a write that did land makes the retry a conflict, and the
    /// caller re-reads.
    /// </summary>
    internal async Task<T> GuardAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw new StoreUnavailableException(
                $"Berth's data store cannot be used: the {Description} {Reason(e)}. Retry once it answers again.", e);
        }
    }

    internal Task GuardAsync(Func<Task> operation) =>
        GuardAsync(async () =>
        {
            await operation().ConfigureAwait(false);
            return 0;
        });

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>
    /// Failures of the connection or of the server (SQLSTATE classes 08 connection, 53 resources such as a full disk,
    /// 57P shutdown, 58 I/O, and 25006 a read-only server), never of the statement.
    /// </summary>
    private static bool IsUnavailable(Exception e) => e switch
    {
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("53", StringComparison.Ordinal)
            || p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState.StartsWith("58", StringComparison.Ordinal) || p.SqlState == "25006",
        NpgsqlException => true,
        TimeoutException => true,
        _ => false,
    };

    /// <remarks>
    /// Npgsql words a wait for a pooled connection that timed out in its own connection-string keys ("raise 'Max Pool
    /// Size'"), which a Berth user never writes: the bound is the --store URL's pool_max_conns.
    /// </remarks>
    private string Reason(Exception e) => e switch
    {
        NpgsqlException { InnerException: TimeoutException } when e.Message.StartsWith(PoolExhausted, StringComparison.Ordinal) =>
            $"kept all {_maxConnections} of this server's connections busy for longer than a request waits for one (pool_max_conns in the --store URL raises "
            + "the bound; PostgreSQL's max_connections must allow it for every server)",
        PostgresException => e.Message,
        { InnerException: { } inner } => $"{e.Message} ({inner.Message})",
        _ => e.Message,
    };
}
