using System.Globalization;

namespace Berth.Store.Sql;

/// <summary>
/// What the two engines spell differently in statements that are otherwise shared. <see cref="RowLock"/> ends a read
/// inside a commit that must hold until the commit ends. <see cref="Arrays"/>: whether a parameter may be an array (a
/// list of ids as one parameter).
/// </summary>
internal sealed record SqlDialect(string Least, string Greatest, string ByteLengthFormat, string RowLock)
{
    /// <summary>
    /// SQLite's MIN and MAX of several arguments are scalar; it counts a TEXT's bytes once cast to a BLOB. Its commits
    /// hold the database's write lock from their start (BEGIN IMMEDIATE), so a row read in one cannot change before it ends.
    /// </summary>
    public static readonly SqlDialect Sqlite = new("MIN", "MAX", "length(CAST({0} AS BLOB))", "");

    /// <summary>FOR SHARE: the row read stays as read until the commit ends, and a read that waited re-checks the newest row.</summary>
    public static readonly SqlDialect Postgres = new("LEAST", "GREATEST", "octet_length({0})", " FOR SHARE") { Arrays = true };

    public bool Arrays { get; init; }

    public string ByteLength(string expression) => string.Format(CultureInfo.InvariantCulture, ByteLengthFormat, expression);
}
