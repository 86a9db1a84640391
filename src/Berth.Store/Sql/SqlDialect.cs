using System.Globalization;

namespace Berth.Store.Sql;

/// <summary>
/// What the two engines spell differently in statements that are otherwise shared. <see cref="RowLock"/> ends a read
/// inside a commit that must hold until the commit ends. <see cref="Arrays"/>: whether a parameter may be an array (a
/// list of ids as one parameter). <see cref="TextFromUtf8(string)"/> stores a parameter of UTF-8 bytes (a record's body) in a
/// TEXT column.
/// </summary>
internal sealed record SqlDialect(string Least, string Greatest, string ByteLengthFormat, string RowLock, string TextFromUtf8Format)
{
    /// <summary>
    /// SQLite's MIN and MAX of several arguments are scalar; it counts a TEXT's bytes once cast to a BLOB. Its commits
    /// hold the database's write lock from their start (BEGIN IMMEDIATE), so a row read in one cannot change before it ends.
    /// Bytes are bound as a BLOB, which a cast makes TEXT as they are (the database's encoding is UTF-8): stored as a BLOB,
    /// json_extract (the migrations') would take them for SQLite's binary JSONB from 3.45 on.
    /// </summary>
    public static readonly SqlDialect Sqlite = new("MIN", "MAX", "length(CAST({0} AS BLOB))", "", "CAST({0} AS TEXT)");

    /// <summary>
    /// FOR SHARE: the row read stays as read until the commit ends, and a read that waited re-checks the newest row.
    /// Bytes go over the wire as they are (a bytea parameter, no transcoding on either side) and convert_from checks them
    /// as UTF-8 into the TEXT, as a text parameter would be checked.
    /// </summary>
    public static readonly SqlDialect Postgres = new("LEAST", "GREATEST", "octet_length({0})", " FOR SHARE", "convert_from({0}, 'UTF8')") { Arrays = true };

    public bool Arrays { get; init; }

    /// <summary>
    /// The records table's two puts (<see cref="RecordSql.Write"/>) in this engine's spelling of the body's conversion,
    /// built once per engine rather than once per write: every record a commit writes runs one of them.
    /// </summary>
    public string InsertRecord { get; } = RecordSql.InsertText(TextFromUtf8(TextFromUtf8Format, "@body"));

    /// <inheritdoc cref="InsertRecord"/>
    public string UpdateRecord { get; } = RecordSql.UpdateText(TextFromUtf8(TextFromUtf8Format, "@body"));

    /// <summary>A parameter of UTF-8 bytes (a record's body, an event's envelope) as TEXT in this engine's spelling.</summary>
    public string TextFromUtf8(string parameter) => TextFromUtf8(TextFromUtf8Format, parameter);

    public string ByteLength(string expression) => string.Format(CultureInfo.InvariantCulture, ByteLengthFormat, expression);

    private static string TextFromUtf8(string format, string parameter) => string.Format(CultureInfo.InvariantCulture, format, parameter);
}
