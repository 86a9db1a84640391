using System.CommandLine;
using Berth.Api.Protocol;
using Berth.Core.ContainerInstances;
using Berth.Server;
using Berth.Server.LoadBalancing;

namespace Berth.Cli;

/// <summary>
/// The control plane's flags. Each falls back to a BERTH_* environment variable, then to the default in
/// <see cref="ServerOptions"/>: flags, then environment, then defaults.
/// </summary>
internal sealed class ServerFlags
{
    private static readonly ServerOptions Defaults = new();

    /// <summary>Only <c>berth server</c> takes --store: <c>berth up</c> is the single-machine setup, on its SQLite files.</summary>
    private readonly bool _takesStore;

    private readonly Option<string> _bind = EnvOption.Create("--bind", "Address the API listens on", "BERTH_BIND", Defaults.BindAddress);
    private readonly Option<int> _port = EnvOption.Create("--port", "API port", "BERTH_PORT", Defaults.Port);
    private readonly Option<string> _dataDir = EnvOption.Create("--data-dir", "Where state is kept", "BERTH_DATA_DIR", Defaults.DataDirectory);
    private readonly Option<string> _accountId = EnvOption.Create("--account-id", "Account id in every ARN", "BERTH_ACCOUNT_ID", Defaults.Api.AccountId);
    private readonly Option<string> _region = EnvOption.Create("--region", "Region of unsigned requests", "BERTH_REGION", Defaults.Api.DefaultRegion);
    private readonly Option<int> _disconnectSeconds = EnvOption.Create("--agent-disconnect-seconds", "Seconds without a heartbeat before an agent counts as disconnected",
        "BERTH_AGENT_DISCONNECT_SECONDS", (int)Defaults.Liveness.DisconnectedAfter.TotalSeconds);
    private readonly Option<int> _lostSeconds = EnvOption.Create("--task-lost-seconds", "Seconds without a heartbeat before an instance's tasks are recorded STOPPED",
        "BERTH_TASK_LOST_SECONDS", (int)Defaults.Liveness.TasksLostAfter.TotalSeconds);
    private readonly Option<string> _vpcConfig = EnvOption.Create("--vpc-config", "JSON file of subnets and security groups for awsvpc tasks (docs/networking.md)",
        "BERTH_VPC_CONFIG", "");
    private readonly Option<string> _auth = EnvOption.Create("--auth",
        "How callers are authenticated: off (loopback only) or sigv4 (AWS Signature Version 4 with keys Berth issues)", "BERTH_AUTH", "off");
    private readonly Option<string> _tlsCert = EnvOption.Create("--tls-cert",
        "PEM certificate of the API: with --tls-key, the API and agent traffic use HTTPS (off when empty)", "BERTH_TLS_CERT", "");
    private readonly Option<string> _tlsKey = EnvOption.Create("--tls-key", "PEM private key of --tls-cert", "BERTH_TLS_KEY", "");
    private readonly Option<string> _secretKeyFile = EnvOption.Create("--secret-key-file",
        "32-byte key that encrypts stored secrets, kept by you (default: secret.key in the data directory, made on first start)", "BERTH_SECRET_KEY_FILE", "");
    private readonly Option<int> _minuteSeconds = EnvOption.Create("--test-minute-seconds",
        "For tests only: a minute of metric time lasts this many seconds (AWS/ECS and AWS/ApplicationELB minutes, alarm periods and " +
        "evaluation; cooldowns and schedules stay real). AWS's timing is 60", "BERTH_TEST_MINUTE_SECONDS", (int)Defaults.MetricMinute.TotalSeconds);
    private readonly Option<string> _priceFile = EnvOption.Create("--price-file",
        "JSON table of Fargate prices per region replacing the built-in one (docs/cost.md)", "BERTH_PRICE_FILE", "");
    private readonly Option<int> _usageRetentionMonths = EnvOption.Create("--usage-retention-months",
        "Whole months before this one whose stopped tasks' usage Cost Explorer and berth cost keep (docs/cost.md)", "BERTH_USAGE_RETENTION_MONTHS",
        Defaults.UsageRetentionMonths);
    private readonly Option<string> _accessLog = EnvOption.Create("--lb-access-log",
        "Load balancer access logs in ALB's format: a file, or logs:GROUP for a CloudWatch Logs group (off when empty)", "BERTH_LB_ACCESS_LOG", "");

    private readonly Option<string> _store = EnvOption.Create("--store",
        "Where state, logs, metrics and events are kept: postgres://user:password@host:port/database[?sslmode=require&pool_max_conns=20] for PostgreSQL " +
        "(several servers may share it), or empty for SQLite files in --data-dir", "BERTH_STORE", "");

    public ServerFlags(bool takesStore = false) => _takesStore = takesStore;

    public void AddTo(Command command)
    {
        if (_takesStore)
        {
            command.Options.Add(_store);
        }
        command.Options.Add(_bind);
        command.Options.Add(_port);
        command.Options.Add(_dataDir);
        command.Options.Add(_accountId);
        command.Options.Add(_region);
        command.Options.Add(_disconnectSeconds);
        command.Options.Add(_lostSeconds);
        command.Options.Add(_vpcConfig);
        command.Options.Add(_accessLog);
        command.Options.Add(_minuteSeconds);
        command.Options.Add(_auth);
        command.Options.Add(_tlsCert);
        command.Options.Add(_tlsKey);
        command.Options.Add(_secretKeyFile);
        command.Options.Add(_priceFile);
        command.Options.Add(_usageRetentionMonths);
    }

    public ServerOptions Read(ParseResult result)
    {
        var port = result.GetValue(_port);
        if (port is < 0 or > 65535)
        {
            throw new ArgumentException($"--port (BERTH_PORT) must be between 0 and 65535; got {port}.");
        }
        var accountId = result.GetValue(_accountId)!;
        if (accountId.Length != 12 || !accountId.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"--account-id (BERTH_ACCOUNT_ID) must be 12 digits; got '{accountId}'.");
        }
        var disconnect = result.GetValue(_disconnectSeconds);
        var lost = result.GetValue(_lostSeconds);
        if (disconnect < 1 || lost < disconnect)
        {
            throw new ArgumentException(
                $"--agent-disconnect-seconds must be at least 1 and --task-lost-seconds at least as long; got {disconnect} and {lost}.");
        }
        var minuteSeconds = result.GetValue(_minuteSeconds);
        if (minuteSeconds is < 1 or > 60)
        {
            throw new ArgumentException($"--test-minute-seconds (BERTH_TEST_MINUTE_SECONDS) must be between 1 and 60; got {minuteSeconds}.");
        }
        AccessLogDestination? accessLog;
        try
        {
            accessLog = result.GetValue(_accessLog) is { Length: > 0 } destination ? AccessLogDestination.Parse(destination) : null;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--lb-access-log (BERTH_LB_ACCESS_LOG): {e.Message}", e);
        }
        var auth = result.GetValue(_auth) switch
        {
            "off" => AuthMode.Off,
            "sigv4" => AuthMode.SigV4,
            var other => throw new ArgumentException($"--auth (BERTH_AUTH) must be off or sigv4; got '{other}'."),
        };
        var storeUrl = _takesStore && result.GetValue(_store) is { Length: > 0 } url ? url : null;
        if (storeUrl is not null)
        {
            try
            {
                Berth.Store.Postgres.PostgresUrl.ToConnectionString(storeUrl);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"--store (BERTH_STORE) {e.Message}", e);
            }
        }
        var options = new ServerOptions
        {
            StoreUrl = storeUrl,
            Liveness = new AgentLiveness(TimeSpan.FromSeconds(disconnect), TimeSpan.FromSeconds(lost)),
            BindAddress = result.GetValue(_bind)!,
            Port = port,
            DataDirectory = Path.GetFullPath(result.GetValue(_dataDir)!),
            VpcConfigPath = FullPathOrNull(result.GetValue(_vpcConfig)),
            LoadBalancerAccessLog = accessLog,
            MetricMinute = TimeSpan.FromSeconds(minuteSeconds),
            TlsCertificatePath = FullPathOrNull(result.GetValue(_tlsCert)),
            TlsKeyPath = FullPathOrNull(result.GetValue(_tlsKey)),
            SecretKeyFile = FullPathOrNull(result.GetValue(_secretKeyFile)),
            PriceFilePath = FullPathOrNull(result.GetValue(_priceFile)),
            UsageRetentionMonths = result.GetValue(_usageRetentionMonths),
            Api = new ApiOptions { AccountId = accountId, DefaultRegion = result.GetValue(_region)!, Auth = auth },
        };
        options.Validate();
        return options;
    }

    private static string? FullPathOrNull(string? path) => path is { Length: > 0 } ? Path.GetFullPath(path) : null;
}
