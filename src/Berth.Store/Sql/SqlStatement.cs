using System.Data.Common;

namespace Berth.Store.Sql;

/// <summary>
/// A statement with its parameters, named <c>@name</c>: both engines' drivers accept that form, so a statement is
/// written once and run by either, as a command or (PostgreSQL) as one command of a batch.
/// </summary>
internal sealed record SqlStatement(string Text, IReadOnlyList<(string Name, object? Value)> Parameters)
{
    public SqlStatement(string text, params (string Name, object? Value)[] parameters)
        : this(text, (IReadOnlyList<(string Name, object? Value)>)parameters)
    {
    }

    public DbCommand ToCommand(DbConnection connection, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Text;
        foreach (var (name, value) in Parameters)
        {
            command.Parameters.Add(Parameter(command.CreateParameter(), name, value));
        }
        return command;
    }

    public DbBatchCommand AddTo(DbBatch batch)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = Text;
        foreach (var (name, value) in Parameters)
        {
            command.Parameters.Add(Parameter(command.CreateParameter(), name, value));
        }
        batch.BatchCommands.Add(command);
        return command;
    }

    private static DbParameter Parameter(DbParameter parameter, string name, object? value)
    {
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        return parameter;
    }
}
