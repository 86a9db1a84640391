using Berth.Control.Agents;
using Berth.Control.Identity;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// Deletes credentials that can never work again: expired temporary keys (<see cref="AccessKeys.PurgeExpiredAsync"/>)
/// and expired agent join tokens (<see cref="AgentJoinTokens.PurgeExpiredAsync"/>), which would otherwise pile up in
/// the store, one key per AssumeRole call.
/// </summary>
internal sealed partial class ExpiredCredentialSweeper(AccessKeys keys, AgentJoinTokens tokens, ServerOptions options, TimeProvider time,
    ILogger<ExpiredCredentialSweeper> logger)
    : PeriodicController(options.CredentialSweepInterval, time, logger)
{
    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var purgedKeys = await keys.PurgeExpiredAsync(cancellationToken).ConfigureAwait(false);
        var purgedTokens = await tokens.PurgeExpiredAsync(cancellationToken).ConfigureAwait(false);
        if (purgedKeys + purgedTokens > 0)
        {
            LogPurged(logger, purgedKeys, purgedTokens);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Keys} expired session keys and {Tokens} expired agent join tokens")]
    private static partial void LogPurged(ILogger logger, int keys, int tokens);
}
