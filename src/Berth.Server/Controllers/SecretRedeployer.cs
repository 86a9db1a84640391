using Berth.Control.Secrets;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// Gives services that opted in a new deployment when a secret their tasks read has a new version
/// (<see cref="SecretRedeployments"/>): a pass at start, one as soon as a parameter or secret is written in this process
/// (<see cref="SecretChanges"/>), and one every <see cref="ServerOptions.SecretRedeployInterval"/> for what another
/// server process wrote. An idle server so reads no service records every few seconds.
/// </summary>
internal sealed partial class SecretRedeployer(SecretRedeployments redeployments, SecretChanges changes, ServerOptions options, TimeProvider time,
    ILogger<SecretRedeployer> logger)
    : PeriodicController(options.SecretRedeployInterval, time, logger, changes)
{
    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var deployed = await redeployments.SweepAsync(cancellationToken).ConfigureAwait(false);
        if (deployed > 0)
        {
            LogDeployed(logger, deployed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started a new deployment of {Count} services whose secrets have new versions")]
    private static partial void LogDeployed(ILogger logger, int count);
}
