using Berth.Control.Secrets;
using Berth.Core.Concurrency;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// Gives services that opted in a new deployment when a secret their tasks read has a new version
/// (<see cref="SecretRedeployments"/>): a pass at start, one as soon as a parameter or secret is written in this process
/// (<see cref="SecretChanges"/>), and one every <see cref="ServerOptions.SecretRedeployInterval"/> for what another
/// server process wrote. An idle server so reads no service records every few seconds. Passes are level-triggered, so
/// one that fails is logged and the next does its work.
/// </summary>
internal sealed partial class SecretRedeployer(SecretRedeployments redeployments, SecretChanges changes, ServerOptions options, TimeProvider time,
    ILogger<SecretRedeployer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            // Taken before the pass reads anything, so a write made while it runs wakes the next one.
            var changed = changes.Changed;
            try
            {
                var deployed = await redeployments.SweepAsync(stoppingToken).ConfigureAwait(false);
                if (deployed > 0)
                {
                    LogDeployed(logger, deployed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, e);
            }
            await ChangeNotifier.ChangedWithinAsync(changed, options.SecretRedeployInterval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started a new deployment of {Count} services whose secrets have new versions")]
    private static partial void LogDeployed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking services for new secret versions failed; the next pass carries on")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
