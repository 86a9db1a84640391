using System.Globalization;

namespace Berth.Store.Sql;

/// <summary>What the two engines spell differently in statements that are otherwise shared.</summary>
internal sealed record SqlDialect(string Least, string Greatest, string ByteLengthFormat)
{
    /// <summary>SQLite's MIN and MAX of several arguments are scalar; it counts a TEXT's bytes once cast to a BLOB.</summary>
    public static readonly SqlDialect Sqlite = new("MIN", "MAX", "length(CAST({0} AS BLOB))");

    public static readonly SqlDialect Postgres = new("LEAST", "GREATEST", "octet_length({0})");

    public string ByteLength(string expression) => string.Format(CultureInfo.InvariantCulture, ByteLengthFormat, expression);
}
