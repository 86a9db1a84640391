using System.Net;
using Berth.Api.Protocol;
using Berth.Control.Identity;
using Berth.Core.ContainerInstances;
using Berth.Core.Cost;
using Berth.Server.LoadBalancing;

namespace Berth.Server;

/// <summary>How a control plane is started; the CLI fills it from flags, then BERTH_* variables, then defaults.</summary>
public sealed record ServerOptions
{
    /// <summary>Loopback by default: with authentication off (the default), the API must not face a network unasked.</summary>
    public string BindAddress { get; init; } = "127.0.0.1";

    /// <summary>4566 is the port AWS emulators use, so existing --endpoint-url habits work.</summary>
    public int Port { get; init; } = 4566;

    public string DataDirectory { get; init; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".berth");

    public ApiOptions Api { get; init; } = new();

    /// <summary>
    /// The API's certificate and private key (PEM files, <c>--tls-cert</c>/<c>--tls-key</c>): with both, the API and the
    /// agent routes speak HTTPS only; null (the default): plain HTTP, for loopback.
    /// </summary>
    public string? TlsCertificatePath { get; init; }

    public string? TlsKeyPath { get; init; }

    /// <summary>https when a certificate is configured.</summary>
    public string Scheme => TlsCertificatePath is null ? Uri.UriSchemeHttp : Uri.UriSchemeHttps;

    public AgentLiveness Liveness { get; init; } = AgentLiveness.Default;

    /// <summary>How often background controllers sweep the whole state.</summary>
    public TimeSpan MonitorInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The service scheduler's periodic round, for rules that depend on time (warm-up, grace periods, back-off) and
    /// for changes made by another server; changes made in this process wake it at once.
    /// </summary>
    public TimeSpan ServiceSchedulerInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long task role credentials live, when they are renewed, and how often stopped tasks' are revoked.</summary>
    public TaskRoleSessionOptions TaskRoleSessions { get; init; } = new();

    /// <summary>How often expired STS session keys and agent join tokens are deleted (<c>ExpiredCredentialSweeper</c>).</summary>
    public TimeSpan CredentialSweepInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>ECS keeps STOPPED tasks describable for at least an hour.</summary>
    public TimeSpan StoppedTaskRetention { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Whole months before this one whose forgotten tasks' usage is kept (<c>--usage-retention-months</c>; Cost
    /// Explorer's 13 by default, see <see cref="UsageRetention"/>).
    /// </summary>
    public int UsageRetentionMonths { get; init; } = UsageRetention.DefaultMonths;

    /// <summary>Where load balancers write access logs, in ALB's format; null (the default): nowhere, as ALB's are off until enabled.</summary>
    public AccessLogDestination? LoadBalancerAccessLog { get; init; }

    /// <summary>A JSON file of subnets and security groups for awsvpc tasks, added to the seeded defaults (docs/networking.md).</summary>
    public string? VpcConfigPath { get; init; }

    /// <summary>A Fargate price table (<c>--price-file</c>, the shape of Berth.Core/Cost/fargate-prices.json) replacing the built-in one; null: built in.</summary>
    public string? PriceFilePath { get; init; }

    public string DatabasePath => Path.Combine(DataDirectory, "berth.db");

    /// <summary>
    /// A PostgreSQL database (<c>--store postgres://…</c>) holding the state, logs, metrics and events, which several
    /// servers may share; null (the default): SQLite files in <see cref="DataDirectory"/>.
    /// </summary>
    public string? StoreUrl { get; init; }

    /// <summary>Where the state is, for the start-up banner: the database file, or the PostgreSQL database without its password.</summary>
    public string StoreDescription => StoreUrl is { } url ? Berth.Store.Postgres.PostgresUrl.Describe(Berth.Store.Postgres.PostgresUrl.ToConnectionString(url)) : DatabasePath;

    /// <summary>
    /// A key file the user keeps (<c>--secret-key-file</c>): 32 random bytes, used as they are and never created, so the
    /// key can live apart from the data directory (another disk, a secrets mount). Null (the default): the data
    /// directory's own <c>secret.key</c>, created on the first start.
    /// </summary>
    public string? SecretKeyFile { get; init; }

    /// <summary>The key that encrypts stored secrets (access keys, parameters, secret values): see <c>SecretCipher</c>.</summary>
    public string SecretKeyPath => SecretKeyFile ?? Path.Combine(DataDirectory, "secret.key");

    /// <summary>Whether every API request must be signed with a key Berth issued (<c>--auth sigv4</c>).</summary>
    public bool RequiresSignatures => Api.Auth == AuthMode.SigV4;

    /// <summary>Whether <see cref="BindAddress"/> reaches only this machine.</summary>
    public bool BindsLoopback => BindAddress == "localhost" || (IPAddress.TryParse(BindAddress, out var address) && IPAddress.IsLoopback(address));

    /// <summary>Refuses an API without authentication on an address others can reach, and half a TLS configuration, before anything starts.</summary>
    public void Validate()
    {
        if (Api.Auth == AuthMode.Off && !BindsLoopback)
        {
            throw new ArgumentException(
                $"--bind {BindAddress} with --auth off would let anyone who reaches the port run containers; bind to 127.0.0.1 or use --auth sigv4 (BERTH_AUTH).");
        }
        if ((TlsCertificatePath is null) != (TlsKeyPath is null))
        {
            throw new ArgumentException("--tls-cert and --tls-key (BERTH_TLS_CERT, BERTH_TLS_KEY) go together: give both or neither.");
        }
        if (UsageRetentionMonths is < 1 or > 120)
        {
            throw new ArgumentException($"--usage-retention-months (BERTH_USAGE_RETENTION_MONTHS) must be between 1 and 120; got {UsageRetentionMonths}.");
        }
        foreach (var file in new[] { TlsCertificatePath, TlsKeyPath })
        {
            if (file is not null && !File.Exists(file))
            {
                throw new ArgumentException($"The TLS file '{file}' does not exist.");
            }
        }
    }

    /// <summary>Metrics live in a file of their own, so their steady writes never contend with the state.</summary>
    public string MetricsDatabasePath => Path.Combine(DataDirectory, "metrics.db");

    /// <summary>How often old metric data is downsampled and expired.</summary>
    public TimeSpan MetricSweepInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Log events live in their own file: see <c>SqliteLogStore</c>.</summary>
    public string LogsDatabasePath => Path.Combine(DataDirectory, "logs.db");

    /// <summary>
    /// How often expired log events are deleted. CloudWatch Logs deletes them within days of expiring; Berth
    /// sweeps often enough that a retention change shows within minutes.
    /// </summary>
    public TimeSpan LogRetentionSweepInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often secrets whose recovery window has passed are deleted for good (reads treat them as gone already).</summary>
    public TimeSpan SecretDeletionSweepInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often services tagged <c>berth:redeploy-on-secret-change=true</c> are checked for new secret versions besides
    /// the check after every parameter or secret write in this process: the periodic one finds what another server wrote.
    /// </summary>
    public TimeSpan SecretRedeployInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often deletions of capacity providers that another server process accepted are finished; this process's own
    /// are finished as soon as they are accepted.
    /// </summary>
    public TimeSpan CapacityProviderDeletionInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a minute of metric time lasts (<see cref="Berth.Control.Observability.MetricClock"/>): a minute, as on
    /// AWS. Shorter only for tests (<c>--test-minute-seconds</c>): AWS/ECS and AWS/ApplicationELB minutes, alarm
    /// periods and the evaluation of alarms each minute all shorten together; cooldowns, schedules and every other
    /// duration stay in real time. Scheduled actions are checked once per such minute.
    /// </summary>
    public TimeSpan MetricMinute { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The event stream's log lives in its own file: see <c>SqliteEventLog</c>.</summary>
    public string EventsDatabasePath => Path.Combine(DataDirectory, "events.db");

    /// <summary>How long the event stream can replay: EventBridge-style consumers reconnect within minutes, a day is ample.</summary>
    public TimeSpan EventRetention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The most events kept, whatever their age, so a busy day cannot grow the file without bound.</summary>
    public int EventRetentionCount { get; init; } = 100_000;

    public TimeSpan EventSweepInterval { get; init; } = TimeSpan.FromMinutes(1);
}
