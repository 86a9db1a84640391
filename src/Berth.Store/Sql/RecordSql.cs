using System.Buffers;
using System.Data.Common;
using System.Text;
using System.Text.Json;

namespace Berth.Store.Sql;

/// <summary>
/// The records table's statements and row mapping, shared by the SQLite and PostgreSQL engines so that both answer
/// every query alike. Keys compare byte-wise in both: SQLite compares TEXT as bytes, and PostgreSQL's key columns
/// are declared COLLATE "C".
/// </summary>
internal static class RecordSql
{
    private const string Columns = "kind, id, scope, sort_key, version, body";

    public static SqlStatement Get(string kind, string id) =>
        new($"SELECT {Columns} FROM records WHERE kind = @kind AND id = @id", ("@kind", kind), ("@id", id));

    /// <summary>
    /// The records of one kind with any of these ids, one statement of one text however many ids (so it is parsed
    /// once and no list meets SQLite's limit on parameters): PostgreSQL takes the ids as one array parameter, SQLite as
    /// one JSON array that json_each expands. Either reads each id through the (kind, id) key, once however often named.
    /// </summary>
    public static SqlStatement GetMany(string kind, IReadOnlyCollection<string> ids, SqlDialect dialect) => dialect.Arrays
        ? new($"SELECT {Columns} FROM records WHERE kind = @kind AND id = ANY(@ids)", ("@kind", kind), ("@ids", ids.ToArray()))
        : new($"SELECT {Columns} FROM records WHERE kind = @kind AND id IN (SELECT value FROM json_each(@ids))",
            ("@kind", kind), ("@ids", JsonArray(ids)));

    public static SqlStatement Query(RecordQuery query) => Select(Columns, query);

    /// <summary>The rows <see cref="Query"/> selects, id, sort key and version only (<see cref="ReadVersionsAsync"/>).</summary>
    public static SqlStatement Versions(RecordQuery query) => Select("id, sort_key, version", query);

    private static SqlStatement Select(string columns, RecordQuery query)
    {
        var sql = new StringBuilder($"SELECT {columns} FROM records");
        var parameters = Filter(sql, query);
        var orderColumn = query.Scope is null ? "id" : "sort_key";
        if (query.After is not null)
        {
            sql.Append(query.Descending ? $" AND {orderColumn} < @after" : $" AND {orderColumn} > @after");
            parameters.Add(("@after", query.After));
        }
        sql.Append(query.Descending ? $" ORDER BY {orderColumn} DESC" : $" ORDER BY {orderColumn} ASC");
        if (query.Limit is { } limit)
        {
            sql.Append(" LIMIT @limit");
            parameters.Add(("@limit", limit));
        }
        return new SqlStatement(sql.ToString(), parameters);
    }

    public static SqlStatement Count(RecordQuery query)
    {
        var sql = new StringBuilder("SELECT COUNT(*) FROM records");
        var parameters = Filter(sql, query);
        return new SqlStatement(sql.ToString(), parameters);
    }

    /// <summary>
    /// A write that changes exactly one row when the record is at the expected version, and none otherwise; a
    /// <see cref="RequireVersion"/> instead returns one row when it holds, and none otherwise.
    /// </summary>
    public static SqlStatement Write(RecordWrite write, SqlDialect dialect) => write switch
    {
        PutRecord put when put.ExpectedVersion == 0 => new(
            dialect.InsertRecord,
            ("@kind", put.Kind), ("@id", put.Id), ("@scope", put.Scope), ("@sortKey", put.SortKey), ("@body", put.Body), ("@indexKey", put.IndexKey)),
        PutRecord put => new(
            dialect.UpdateRecord,
            ("@kind", put.Kind), ("@id", put.Id), ("@expected", put.ExpectedVersion), ("@scope", put.Scope), ("@sortKey", put.SortKey), ("@body", put.Body),
            ("@indexKey", put.IndexKey)),
        DeleteRecord delete => new(
            "DELETE FROM records WHERE kind = @kind AND id = @id AND version = @expected",
            ("@kind", delete.Kind), ("@id", delete.Id), ("@expected", delete.ExpectedVersion)),
        RequireVersion require when require.ExpectedVersion == 0 => new(
            "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM records WHERE kind = @kind AND id = @id)", ("@kind", require.Kind), ("@id", require.Id)),
        RequireVersion require => new(
            $"SELECT 1 FROM records WHERE kind = @kind AND id = @id AND version = @expected{dialect.RowLock}",
            ("@kind", require.Kind), ("@id", require.Id), ("@expected", require.ExpectedVersion)),
        _ => throw new ArgumentException($"Unknown write {write.GetType().Name}.", nameof(write)),
    };

    public static async Task<List<StoredRecord>> ReadAllAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var records = new List<StoredRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // The body's UTF-8 bytes as stored, never a string: both drivers read a TEXT column as bytes without transcoding.
            records.Add(new StoredRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetFieldValue<byte[]>(5)));
        }
        return records;
    }

    public static async Task<List<RecordVersion>> ReadVersionsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var versions = new List<RecordVersion>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions.Add(new RecordVersion(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }
        return versions;
    }

    public static async Task<int> CountAsync(DbCommand command, CancellationToken cancellationToken) =>
        Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);

    private static string JsonArray(IReadOnlyCollection<string> values)
    {
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(json.WrittenSpan);
    }

    private static List<(string Name, object? Value)> Filter(StringBuilder sql, RecordQuery query)
    {
        var parameters = new List<(string Name, object? Value)> { ("@kind", query.Kind) };
        sql.Append(" WHERE kind = @kind");
        if (query.Scope is not null)
        {
            sql.Append(" AND scope = @scope");
            parameters.Add(("@scope", query.Scope));
        }
        AddPrefix(sql, parameters, "sort_key", "@prefix", query.SortKeyPrefix);
        AddPrefix(sql, parameters, "index_key", "@indexPrefix", query.IndexKeyPrefix);
        return parameters;
    }

    private static void AddPrefix(StringBuilder sql, List<(string Name, object? Value)> parameters, string column, string name, string? prefix)
    {
        if (prefix is not { Length: > 0 })
        {
            return;
        }
        // A range instead of LIKE: LIKE treats % and _ in names as wildcards and cannot use the index.
        // Keys compare as UTF-8 bytes; U+10FFFF is the largest code point, so prefix + U+10FFFF sorts after
        // every key that continues the prefix with a real character (char.MaxValue missed those above U+FFFF).
        sql.Append($" AND {column} >= {name} AND {column} < {name}End");
        parameters.Add((name, prefix));
        parameters.Add(($"{name}End", prefix + "\U0010FFFF"));
    }

    /// <summary>A new record at version 1, or nothing when one of that kind and id exists; <paramref name="body"/> is the body's value in the engine's spelling.</summary>
    public static string InsertText(string body) => $"""
        INSERT INTO records (kind, id, scope, sort_key, version, body, index_key)
        VALUES (@kind, @id, @scope, @sortKey, 1, {body}, @indexKey)
        ON CONFLICT (kind, id) DO NOTHING
        """;

    /// <summary>The record's next version, when it is at the expected one; <paramref name="body"/> as for <see cref="InsertText"/>.</summary>
    public static string UpdateText(string body) => $"""
        UPDATE records SET scope = @scope, sort_key = @sortKey, body = {body}, index_key = @indexKey, version = version + 1
        WHERE kind = @kind AND id = @id AND version = @expected
        """;
}
