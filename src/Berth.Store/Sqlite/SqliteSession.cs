using Berth.Store.Sql;
using Microsoft.Data.Sqlite;

namespace Berth.Store.Sqlite;

/// <summary>
/// One long-lived connection to a SQLite file with the commands it has run, each prepared once and kept by its SQL
/// text, then re-bound to new parameter values for every later run. Microsoft.Data.Sqlite keeps a prepared statement
/// only inside the command object that prepared it, on its connection (it has no cache across commands:
/// dotnet/efcore#14044), so a new command per call made SQLite parse and plan the same text every time.
/// One user at a time: the single writer (<see cref="SqliteGroupCommit"/>) or whoever took it from a <see cref="SqliteSessionPool"/>.
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    /// <summary>
    /// Bounds the statements one connection keeps prepared (SQLite holds memory for each): the records' statements are
    /// a bounded set of texts (about 150), but a text built from a caller's input, such as an IN list per number of
    /// ids, must not grow it without end. The least recently used goes first.
    /// </summary>
    internal const int MaxCommands = 192;

    private readonly Dictionary<string, LinkedListNode<SqliteCommand>> _commands = new(StringComparer.Ordinal);

    /// <summary>The cached commands, most recently used first.</summary>
    private readonly LinkedList<SqliteCommand> _recent = [];

    private SqliteSession(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>How many prepared commands the session keeps now (for tests).</summary>
    internal int CommandCount => _commands.Count;

    /// <summary>
    /// Opens a connection of its own (not from Microsoft.Data.Sqlite's pool: disposing the session closes the file) and
    /// runs the pragmas that hold for the connection's life.
    /// </summary>
    public static async Task<SqliteSession> OpenAsync(string databasePath, IEnumerable<string> pragmas, CancellationToken cancellationToken)
    {
        var connection = await SqliteFiles.OpenAsync(SqliteFiles.ConnectionString(databasePath, pooled: false), cancellationToken).ConfigureAwait(false);
        var session = new SqliteSession(connection);
        try
        {
            foreach (var pragma in pragmas)
            {
                await SqliteStateStore.ExecuteAsync(connection, pragma, cancellationToken).ConfigureAwait(false);
            }
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The statement's prepared command, its parameters bound to the statement's values.</summary>
    public SqliteCommand Command(SqlStatement statement)
    {
        var command = Prepared(statement);
        for (var i = 0; i < statement.Parameters.Count; i++)
        {
            var (name, value) = statement.Parameters[i];
            var parameter = command.Parameters[i];
            // One text always comes with the same parameters in the same order (RecordSql builds both together).
            if (!string.Equals(parameter.ParameterName, name, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The statement '{statement.Text}' came with parameter {name} where it had {parameter.ParameterName}.");
            }
            parameter.Value = value ?? DBNull.Value;
        }
        return command;
    }

    /// <summary>Runs a statement without results (BEGIN, an insert, COMMIT …) from its prepared command.</summary>
    /// <remarks>
    /// Synchronously, for the writers that hold their connection alone (the records' group commit, the event log's
    /// appender): SqliteGroupCommit says why.
    /// </remarks>
    public void Execute(SqlStatement statement) => Command(statement).ExecuteNonQuery();

    public void Dispose()
    {
        foreach (var command in _recent)
        {
            command.Dispose();
        }
        _recent.Clear();
        _commands.Clear();
        Connection.Dispose();
    }

    private SqliteCommand Prepared(SqlStatement statement)
    {
        if (_commands.TryGetValue(statement.Text, out var node))
        {
            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value;
        }
        if (_commands.Count >= MaxCommands && _recent.Last is { } oldest)
        {
            _recent.RemoveLast();
            _commands.Remove(oldest.Value.CommandText);
            oldest.Value.Dispose();
        }
        var command = Connection.CreateCommand();
        command.CommandText = statement.Text;
        foreach (var (name, value) in statement.Parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        command.Prepare();
        _commands.Add(statement.Text, _recent.AddFirst(command));
        return command;
    }
}
