using System.CommandLine;
using Berth.Api.Protocol;
using Berth.Server;

namespace Berth.Cli.Tests;

/// <summary><c>berth server</c>'s --auth and --bind: an API without authentication never faces the network.</summary>
public sealed class ServerFlagsTests
{
    private static ServerOptions Read(params string[] args) => Read(new ServerFlags(), args);

    /// <summary>As <c>berth server</c> reads them: the only command that takes --store.</summary>
    private static ServerOptions ReadServer(params string[] args) => Read(new ServerFlags(takesStore: true), args);

    private static ServerOptions Read(ServerFlags flags, string[] args)
    {
        var command = new RootCommand();
        flags.AddTo(command);
        var result = command.Parse(args);
        Assert.Empty(result.Errors);
        return flags.Read(result);
    }

    [Fact]
    public void The_store_is_sqlite_unless_a_postgres_url_is_given_to_berth_server()
    {
        Assert.Null(ReadServer().StoreUrl);
        Assert.Equal("postgres://berth:pw@db:5432/berth", ReadServer("--store", "postgres://berth:pw@db:5432/berth").StoreUrl);
        Assert.Equal("PostgreSQL database 'berth' at db:5432 as berth", ReadServer("--store", "postgres://berth:pw@db:5432/berth").StoreDescription);
        Assert.Equal("--store (BERTH_STORE) must be postgres://user:password@host:port/database (optionally ?sslmode=require).",
            Assert.Throws<ArgumentException>(() => ReadServer("--store", "db.example:5432")).Message);
        var up = new RootCommand();
        new ServerFlags().AddTo(up);
        Assert.NotEmpty(up.Parse(["--store", "postgres://berth:pw@db/berth"]).Errors);
    }

    [Fact]
    public void Auth_is_off_by_default_on_loopback()
    {
        Assert.Equal(AuthMode.Off, Read().Api.Auth);
        Assert.Equal(AuthMode.Off, Read("--bind", "::1").Api.Auth);
    }

    [Fact]
    public void Binding_beyond_loopback_without_auth_is_refused_in_one_line()
    {
        var message = Assert.Throws<ArgumentException>(() => Read("--bind", "0.0.0.0")).Message;
        Assert.Equal(
            "--bind 0.0.0.0 with --auth off would let anyone who reaches the port run containers; bind to 127.0.0.1 or use --auth sigv4 (BERTH_AUTH).",
            message);
        Assert.Throws<ArgumentException>(() => Read("--bind", "192.168.1.10", "--auth", "off"));
    }

    [Fact]
    public void Sigv4_may_bind_anywhere()
    {
        Assert.Equal(AuthMode.SigV4, Read("--bind", "0.0.0.0", "--auth", "sigv4").Api.Auth);
    }

    [Fact]
    public void The_secret_key_file_is_the_data_directorys_unless_one_is_given()
    {
        Assert.Equal(Path.Combine(Path.GetFullPath("d"), "secret.key"), Read("--data-dir", "d").SecretKeyPath);
        Assert.Equal(Path.GetFullPath("keys/berth.key"), Read("--data-dir", "d", "--secret-key-file", "keys/berth.key").SecretKeyPath);
    }

    [Fact]
    public void An_unknown_mode_is_refused()
    {
        Assert.Equal("--auth (BERTH_AUTH) must be off or sigv4; got 'basic'.", Assert.Throws<ArgumentException>(() => Read("--auth", "basic")).Message);
    }

    [Fact]
    public void A_metric_minute_lasts_a_minute_unless_a_test_shortens_it()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), Read().MetricMinute);
        Assert.Equal(TimeSpan.FromSeconds(5), Read("--test-minute-seconds", "5").MetricMinute);
        Assert.Throws<ArgumentException>(() => Read("--test-minute-seconds", "0"));
        Assert.Throws<ArgumentException>(() => Read("--test-minute-seconds", "61"));
    }

    [Fact]
    public void Usage_is_kept_thirteen_months_unless_told_and_never_less_than_one()
    {
        Assert.Equal(13, Read().UsageRetentionMonths);
        Assert.Equal(3, Read("--usage-retention-months", "3").UsageRetentionMonths);
        Assert.Contains("--usage-retention-months", Assert.Throws<ArgumentException>(() => Read("--usage-retention-months", "0")).Message, StringComparison.Ordinal);
    }
}
