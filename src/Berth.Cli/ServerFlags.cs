using System.CommandLine;
using Berth.Api.Protocol;
using Berth.Server;

namespace Berth.Cli;

/// <summary>
/// The control plane's flags. Each falls back to a BERTH_* environment variable, then to the default in
/// <see cref="ServerOptions"/>: flags, then environment, then defaults.
/// </summary>
internal sealed class ServerFlags
{
    private static readonly ServerOptions Defaults = new();

    private readonly Option<string> _bind = WithEnv(new Option<string>("--bind") { Description = "Address the API listens on" }, "BERTH_BIND", Defaults.BindAddress);
    private readonly Option<int> _port = WithEnv(new Option<int>("--port") { Description = "API port" }, "BERTH_PORT", Defaults.Port);
    private readonly Option<string> _dataDir = WithEnv(new Option<string>("--data-dir") { Description = "Where state is kept" }, "BERTH_DATA_DIR", Defaults.DataDirectory);
    private readonly Option<string> _accountId = WithEnv(new Option<string>("--account-id") { Description = "Account id in every ARN" }, "BERTH_ACCOUNT_ID", Defaults.Api.AccountId);
    private readonly Option<string> _region = WithEnv(new Option<string>("--region") { Description = "Region of unsigned requests" }, "BERTH_REGION", Defaults.Api.DefaultRegion);

    public void AddTo(Command command)
    {
        command.Options.Add(_bind);
        command.Options.Add(_port);
        command.Options.Add(_dataDir);
        command.Options.Add(_accountId);
        command.Options.Add(_region);
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
        return new ServerOptions
        {
            BindAddress = result.GetValue(_bind)!,
            Port = port,
            DataDirectory = Path.GetFullPath(result.GetValue(_dataDir)!),
            Api = new ApiOptions { AccountId = accountId, DefaultRegion = result.GetValue(_region)! },
        };
    }

    private static Option<T> WithEnv<T>(Option<T> option, string variable, T fallback)
    {
        option.Description += $" (env {variable}, default {fallback})";
        option.DefaultValueFactory = _ => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text
            ? (T)Convert.ChangeType(text, typeof(T), System.Globalization.CultureInfo.InvariantCulture)
            : fallback;
        return option;
    }
}
