using Berth.Control.Secrets;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>Gives services that opted in a new deployment when a secret their tasks read has a new version (<see cref="SecretRedeployments"/>).</summary>
internal sealed partial class SecretRedeployer(SecretRedeployments redeployments, ServerOptions options, TimeProvider time, ILogger<SecretRedeployer> logger)
    : PeriodicController(options.SecretRedeployInterval, time, logger)
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
