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

    [Theory]
    [InlineData("mysql://berth:x@localhost/berth")]
    [InlineData("postgres://localhost/berth")]
    [InlineData("postgres://berth:x@localhost")]
    [InlineData("postgres://berth:x@localhost/berth?sslmode=sometimes")]
    [InlineData("postgres://berth:x@localhost/berth?pool=9")]
    [InlineData("berth.db")]
    public void Other_urls_are_refused(string url)
    {
        Assert.Throws<ArgumentException>(() => PostgresUrl.ToConnectionString(url));
    }
}
