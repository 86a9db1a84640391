using Berth.Control.Identity;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>Revokes the role credentials of stopped tasks and deletes expired ones (<see cref="TaskRoleSessions.SweepAsync"/>).</summary>
internal sealed partial class TaskRoleSessionSweeper(TaskRoleSessions sessions, TaskRoleSessionOptions options, TimeProvider time, ILogger<TaskRoleSessionSweeper> logger)
    : PeriodicController(options.SweepInterval, time, logger)
{
    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var revoked = await sessions.SweepAsync(cancellationToken).ConfigureAwait(false);
        if (revoked > 0)
        {
            LogRevoked(logger, revoked);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked {Count} task role keys (stopped tasks or expired)")]
    private static partial void LogRevoked(ILogger logger, int count);
}
