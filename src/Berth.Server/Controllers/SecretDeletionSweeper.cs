using Berth.Control.Secrets;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// Carries out DeleteSecret's scheduled deletions: every pass removes the secrets whose recovery window has passed.
/// Secrets Manager already answers them as gone from that moment; this frees their names' records.
/// </summary>
internal sealed partial class SecretDeletionSweeper(ManagedSecrets secrets, ServerOptions options, TimeProvider time, ILogger<SecretDeletionSweeper> logger)
    : PeriodicController(options.SecretDeletionSweepInterval, time, logger)
{
    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var purged = await secrets.PurgeDueAsync(Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (purged > 0)
        {
            LogPurged(logger, purged);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} secrets whose recovery window had passed")]
    private static partial void LogPurged(ILogger logger, int count);
}
