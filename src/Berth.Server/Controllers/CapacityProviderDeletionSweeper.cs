using Berth.Control.Capacity;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// Finishes DeleteCapacityProvider's accepted deletions (<see cref="CapacityProviderDeletions"/>): at start, as soon as
/// one is accepted in this process, and every <see cref="ServerOptions.CapacityProviderDeletionInterval"/> for those
/// another server process accepted.
/// </summary>
internal sealed partial class CapacityProviderDeletionSweeper(CapacityProviderDeletions deletions, ServerOptions options, TimeProvider time,
    ILogger<CapacityProviderDeletionSweeper> logger)
    : PeriodicController(options.CapacityProviderDeletionInterval, time, logger, deletions)
{
    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var completed = await deletions.CompleteAsync(cancellationToken).ConfigureAwait(false);
        if (completed > 0)
        {
            LogCompleted(logger, completed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} capacity providers")]
    private static partial void LogCompleted(ILogger logger, int count);
}
