using System.Globalization;
using Npgsql;

namespace Berth.Store.Postgres;

/// <summary>
/// Reads <c>postgres://user:password@host:port/database?sslmode=…&amp;pool_max_conns=…</c> (the libpq URL form users
/// already know, and pgx's name for a pool's bound) into an Npgsql connection string. Anything else in the URL is refused
/// rather than ignored, so a typo cannot go unnoticed.
/// </summary>
public static class PostgresUrl
{
    /// <summary>
    /// The connections one server keeps at most. Npgsql's own bound, 100, is PostgreSQL's default max_connections
    /// (97 of them for ordinary users): one server under load took 91 of them, and two on one database were refused
    /// connections (RegisterContainerInstance answered 503). PostgreSQL runs as many statements at once as it has cores,
    /// so more connections only queue there instead of in the pool.
    /// </summary>
    public const int DefaultMaxConnections = 20;

    /// <summary>The fewest a pool may have: the event log holds one for its LISTEN, and a commit may wait for a read.</summary>
    private const int FewestConnections = 4;

    public static string ToConnectionString(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql"))
        {
            throw new ArgumentException("must be postgres://user:password@host:port/database (optionally ?sslmode=require).");
        }
        var userInfo = uri.UserInfo.Split(':', 2);
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (userInfo[0].Length == 0 || database.Length == 0 || uri.Host.Length == 0)
        {
            throw new ArgumentException("must name a user, a host and a database: postgres://user:password@host:port/database.");
        }
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Username = Uri.UnescapeDataString(userInfo[0]),
            Password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : null,
            Database = database,
            MaxPoolSize = DefaultMaxConnections,
        };
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = pair.Split('=', 2) is [var n, var v] ? (n, Uri.UnescapeDataString(v)) : (pair, "");
            switch (name)
            {
                case "sslmode":
                    builder.SslMode = Enum.TryParse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode)
                        ? mode
                        : throw new ArgumentException($"sslmode must be disable, allow, prefer, require, verify-ca or verify-full; got '{value}'.");
                    break;
                case "pool_max_conns":
                    builder.MaxPoolSize = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var connections) && connections >= FewestConnections
                        ? connections
                        : throw new ArgumentException($"pool_max_conns must be a whole number of connections, {FewestConnections} or more; got '{value}'.");
                    break;
                default:
                    throw new ArgumentException($"takes only the query parameters sslmode and pool_max_conns; got '{name}'.");
            }
        }
        return builder.ConnectionString;
    }

    /// <summary>Where a connection string points, without its password: for messages and logs.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL database '{builder.Database}' at {builder.Host}:{builder.Port} as {builder.Username}";
    }
}
