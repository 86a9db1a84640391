using Berth.Store.Sql;

namespace Berth.Store.Postgres;

/// <summary>
/// A commit's writes on PostgreSQL as statements that check themselves: each is <see cref="RecordSql.Write"/>'s
/// statement, whose rows (one when the write applies, none when the record moved) <c>berth_expect_applied</c> (the
/// schema's fourth step) counts, raising <see cref="NotApplied"/> unless there is exactly one. A failed statement rolls
/// back everything its batch did, so the commit can be one batch without BEGIN and COMMIT: PostgreSQL runs a batch's
/// statements in one implicit transaction that commits after the last one, in the batch's round trip. Checked by the
/// client instead, every commit paid a second round trip for its COMMIT.
/// </summary>
internal static class PostgresWrites
{
    /// <summary>The SQLSTATE <c>berth_expect_applied</c> raises: the write's record is not at the version it expects.</summary>
    public const string NotApplied = "BR409";

    public static SqlStatement Checked(RecordWrite write)
    {
        var statement = RecordSql.Write(write, SqlDialect.Postgres);
        // A RequireVersion selects its row already; the insert, update and delete return theirs.
        var rows = write is RequireVersion ? statement.Text : statement.Text + " RETURNING 1";
        return statement with { Text = $"WITH applied AS ({rows}) SELECT berth_expect_applied(COUNT(*), @kind, @id) FROM applied" };
    }
}
