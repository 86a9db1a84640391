using System.Data.Common;
using Berth.Store.Sql;

namespace Berth.Store.Logs;

/// <summary>The retention sweep's step, alike in both engines: one slice of expired events, and the bytes they free.</summary>
internal static class LogDeletion
{
    /// <summary>Events per transaction, so a sweep over millions of expired events never holds locks for long.</summary>
    public const int Slice = 20_000;

    /// <summary>Deletes one slice of the group's events before <paramref name="before"/> in the transaction; returns how many.</summary>
    public static async Task<int> DeleteSliceAsync(SqlDialect dialect, DbConnection connection, DbTransaction transaction, long groupId, long before,
        CancellationToken cancellationToken)
    {
        var freed = new Dictionary<long, long>();
        var count = 0;
        await using (var delete = LogSql.DeleteEventsBefore(dialect, groupId, before, Slice).ToCommand(connection, transaction))
        await using (var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                count++;
                freed[reader.GetInt64(0)] = freed.GetValueOrDefault(reader.GetInt64(0)) + Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        // Stream by stream in id order, so two sweeps of one group never wait on each other in a cycle.
        foreach (var (streamId, bytes) in freed.OrderBy(f => f.Key))
        {
            await using var update = LogSql.ReleaseStoredBytes(dialect, streamId, bytes).ToCommand(connection, transaction);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return count;
    }
}
