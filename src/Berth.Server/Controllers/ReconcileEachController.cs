using Berth.Core.Concurrency;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// A <see cref="PeriodicController"/> whose pass reconciles each of a set of records (services, daemons) in turn, each
/// under its own guard: one broken record must not stall the others, and the next pass tries it again.
/// </summary>
internal abstract partial class ReconcileEachController(TimeSpan interval, TimeProvider time, ILogger logger, params ChangeNotifier[] wakes)
    : PeriodicController(interval, time, logger, wakes)
{
    /// <summary>The ids of the records this pass reconciles, read afresh every pass.</summary>
    protected abstract Task<IEnumerable<string>> SubjectsAsync(CancellationToken cancellationToken);

    protected abstract Task ReconcileAsync(string id, CancellationToken cancellationToken);

    protected sealed override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        foreach (var id in await SubjectsAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await ReconcileAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSubjectFailed(Logger, e, GetType().Name, id);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Controller} failed on {Arn}; its next pass tries it again")]
    private static partial void LogSubjectFailed(ILogger logger, Exception exception, string controller, string arn);
}
