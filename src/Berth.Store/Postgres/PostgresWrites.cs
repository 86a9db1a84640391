using Berth.Store.Sql;
using Npgsql;

namespace Berth.Store.Postgres;

/// <summary>
/// A commit's writes on PostgreSQL as statements that check themselves: each is <see cref="RecordSql.Write"/>'s
/// statement, whose rows (one when the write applies, none when the record moved) <c>berth_expect_applied</c> (the
/// schema's fourth step) counts, raising <see cref="NotApplied"/> unless there is exactly one. A failed statement rolls
/// back everything its batch did, so the commit can be one batch without BEGIN and COMMIT: PostgreSQL runs a batch's
/// statements in one implicit transaction that commits after the last one, in the batch's round trip. Checked by the
/// client instead, every commit paid a second round trip for its COMMIT.
/// </summary>
/// <remarks>
/// A commit of puts alone, each of another record (a placement's tasks, claims and instances; a batch of reports; the
/// heartbeats due), runs as at most two statements: its inserts together and its updates together
/// (<see cref="InsertAll"/>, <see cref="UpdateAll"/>), each raising <see cref="NotApplied"/> for the first of its writes
/// that did not apply. A statement per record had PostgreSQL parse, plan and run about four statements per task placed
/// (docs/performance.md). Any other commit runs a statement per write, in the order of the records' keys.
/// </remarks>
internal static class PostgresWrites
{
    /// <summary>The SQLSTATE <c>berth_expect_applied</c> raises: the write's record is not at the version it expects.</summary>
    public const string NotApplied = "BR409";

    /// <summary>
    /// The rows of a group's writes, in their order: unnest of one array per column (one parameter each, however many
    /// writes), numbered so that the first write that did not apply is the one named.
    /// </summary>
    private const string Rows = """
        WITH w AS (
            SELECT * FROM unnest(@kinds, @ids, @expected, @scopes, @sortKeys, @bodies, @indexKeys)
                WITH ORDINALITY AS w(kind, id, expected, scope, sort_key, body, index_key, n)
        )
        """;

    /// <summary>
    /// One row when every write of the group applied, as a single write's statement returns; otherwise names the first
    /// write that <c>applied</c> does not return, which fails the commit.
    /// </summary>
    private const string ExpectAllApplied = """
        SELECT berth_expect_applied(CASE WHEN m.id IS NULL THEN 1 ELSE 0 END, m.kind, m.id)
        FROM (SELECT 1) one LEFT JOIN (
            SELECT w.kind, w.id FROM w WHERE NOT EXISTS (SELECT 1 FROM applied a WHERE a.kind = w.kind AND a.id = w.id) ORDER BY w.n LIMIT 1
        ) m ON true
        """;

    private static readonly string Body = SqlDialect.Postgres.TextFromUtf8("w.body");

    /// <summary>New records at version 1; a record that exists already is not applied.</summary>
    private static readonly string InsertAllText = $"""
        {Rows}, applied AS (
            INSERT INTO records (kind, id, scope, sort_key, version, body, index_key)
            SELECT w.kind, w.id, w.scope, w.sort_key, 1, {Body}, w.index_key FROM w ORDER BY w.n
            ON CONFLICT (kind, id) DO NOTHING
            RETURNING kind, id
        )
        {ExpectAllApplied}
        """;

    /// <summary>
    /// The records' next versions, where they are at the expected ones. Their rows are locked first in key order, as the
    /// statements of a commit of single writes take them, so two commits never wait on each other crosswise.
    /// </summary>
    private static readonly string UpdateAllText = $"""
        {Rows}, locked AS (
            SELECT r.kind, r.id FROM records r JOIN w ON r.kind = w.kind AND r.id = w.id ORDER BY r.kind, r.id FOR UPDATE OF r
        ), applied AS (
            UPDATE records r SET scope = w.scope, sort_key = w.sort_key, body = {Body}, index_key = w.index_key, version = r.version + 1
            FROM w JOIN locked l ON l.kind = w.kind AND l.id = w.id
            WHERE r.kind = w.kind AND r.id = w.id AND r.version = w.expected
            RETURNING r.kind, r.id
        )
        {ExpectAllApplied}
        """;

    /// <summary>The statements of a commit whose writes are <paramref name="ordered"/> by kind and id, each with the writes it carries.</summary>
    public static IReadOnlyList<(SqlStatement Statement, RecordWrite[] Writes)> Plan(RecordWrite[] ordered)
    {
        if (ordered.Length < 2 || !AllPutsOfDistinctRecords(ordered))
        {
            return [.. ordered.Select(w => (Checked(w), new[] { w }))];
        }
        var puts = ordered.Cast<PutRecord>().ToArray();
        return [.. Grouped(puts.Where(p => p.ExpectedVersion == 0).ToArray(), InsertAllText), .. Grouped(puts.Where(p => p.ExpectedVersion > 0).ToArray(), UpdateAllText)];
    }

    /// <summary>The write a failed statement of <see cref="Plan"/> did not apply: the one its error names.</summary>
    public static RecordWrite FailedWrite(PostgresException failure, RecordWrite[] writes) =>
        writes.FirstOrDefault(w => failure.MessageText == NotAppliedMessage(w)) ?? writes[0];

    /// <summary>One write's statement, which checks that the write applied.</summary>
    private static SqlStatement Checked(RecordWrite write)
    {
        var statement = RecordSql.Write(write, SqlDialect.Postgres);
        // A RequireVersion selects its row already; the insert, update and delete return theirs.
        var rows = write is RequireVersion ? statement.Text : statement.Text + " RETURNING 1";
        return statement with { Text = $"WITH applied AS ({rows}) SELECT berth_expect_applied(COUNT(*), @kind, @id) FROM applied" };
    }

    /// <summary>What <c>berth_expect_applied</c> (the schema's fourth step) says of a write that did not apply.</summary>
    private static string NotAppliedMessage(RecordWrite write) => $"record {write.Kind} {write.Id} is not at the version the commit expects";

    private static bool AllPutsOfDistinctRecords(RecordWrite[] ordered)
    {
        for (var i = 0; i < ordered.Length; i++)
        {
            // Ordered by kind and id, so writes of one record are neighbours.
            if (ordered[i] is not PutRecord || (i > 0 && ordered[i].Kind == ordered[i - 1].Kind && ordered[i].Id == ordered[i - 1].Id))
            {
                return false;
            }
        }
        return true;
    }

    private static IEnumerable<(SqlStatement, RecordWrite[])> Grouped(PutRecord[] puts, string text) => puts.Length switch
    {
        0 => [],
        1 => [(Checked(puts[0]), puts)],
        _ => [(new SqlStatement(text,
            ("@kinds", puts.Select(p => p.Kind).ToArray()), ("@ids", puts.Select(p => p.Id).ToArray()),
            ("@expected", puts.Select(p => p.ExpectedVersion).ToArray()), ("@scopes", puts.Select(p => p.Scope).ToArray()),
            ("@sortKeys", puts.Select(p => p.SortKey).ToArray()), ("@bodies", puts.Select(p => p.Body).ToArray()),
            ("@indexKeys", puts.Select(p => p.IndexKey).ToArray())), puts)],
    };
}
