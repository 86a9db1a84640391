using Berth.Store.Postgres;
using Npgsql;

namespace Berth.Store.Tests.Postgres;

public sealed class PostgresUrlTests
{
    [Fact]
    public void A_url_becomes_a_connection_string_with_decoded_parts()
    {
        var parsed = new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgres://berth:p%40ss%3Aword@db.local:6543/berth_prod?sslmode=verify-full"));

        Assert.Equal(("db.local", 6543, "berth", "p@ss:word", "berth_prod", SslMode.VerifyFull),
            (parsed.Host, parsed.Port, parsed.Username, parsed.Password, parsed.Database, parsed.SslMode));
    }

    [Fact]
    public void The_port_defaults_to_5432()
    {
        Assert.Equal(5432, new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgresql://berth@localhost/berth")).Port);
    }

    [Fact]
    public void A_server_keeps_at_most_20_connections_unless_the_url_says_how_many()
    {
        // Npgsql's own bound, 100, is PostgreSQL's default max_connections: two servers under load ran out of them.
        Assert.Equal(20, new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgres://berth@localhost/berth")).MaxPoolSize);
        Assert.Equal(64, new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgres://berth@localhost/berth?sslmode=require&pool_max_conns=64")).MaxPoolSize);
    }

    [Theory]
    [InlineData("mysql://berth:x@localhost/berth")]
    [InlineData("postgres://localhost/berth")]
    [InlineData("postgres://berth:x@localhost")]
    [InlineData("postgres://berth:x@localhost/berth?sslmode=sometimes")]
    [InlineData("postgres://berth:x@localhost/berth?pool=9")]
    [InlineData("postgres://berth:x@localhost/berth?pool_max_conns=3")]
    [InlineData("postgres://berth:x@localhost/berth?pool_max_conns=-5")]
    [InlineData("postgres://berth:x@localhost/berth?pool_max_conns=lots")]
    [InlineData("berth.db")]
    public void Other_urls_are_refused(string url)
    {
        Assert.Throws<ArgumentException>(() => PostgresUrl.ToConnectionString(url));
    }
}
