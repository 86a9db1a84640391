using Berth.Core.Concurrency;
using Berth.Store;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// A <see cref="PeriodicController"/> whose pass reconciles each of a set of records (services, daemons) in turn, each
/// under its own guard: one broken record must not stall the others. A pass woken by changes that name their records
/// (<see cref="SubjectNotifier.Notify(string)"/>) reconciles those only, all that were named since the previous pass
/// took its marks, so a burst of task reports makes one pass over the records they concern, not one over every record
/// per report. Every record is reconciled by the first pass, after a change that names none, and at least once every
/// <c>interval</c> (the longest time between two passes) however many named changes keep coming: the interval is what retries a
/// record waiting on something no notifier names (room on an instance that registered, a time that passed, another
/// server's change), and a record that failed. An unavailable store ends the pass, as every record would fail alike
/// (<see cref="PeriodicController"/> logs it once for the outage).
/// </summary>
internal abstract partial class ReconcileEachController(TimeSpan interval, TimeProvider time, ILogger logger, params SubjectNotifier[] wakes)
    : PeriodicController(interval, time, logger, wakes)
{
    private readonly TimeSpan _fullPassInterval = interval;
    private readonly SubjectNotifier[] _wakes = wakes;
    private ChangeMarks? _marks;
    private DateTimeOffset _lastFullPass = DateTimeOffset.MinValue;

    /// <summary>The ids of all the records a full pass reconciles, read afresh every full pass.</summary>
    protected abstract Task<IEnumerable<string>> SubjectsAsync(CancellationToken cancellationToken);

    /// <summary>Whether a marked id names one of this controller's records (its notifiers may also mark another controller's).</summary>
    protected abstract bool IsSubject(string id);

    protected abstract Task ReconcileAsync(string id, CancellationToken cancellationToken);

    /// <summary>Marks are followed from before the first pass (which takes "everything") until the controller stops.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var marks = new ChangeMarks(_wakes);
        _marks = marks;
        await base.ExecuteAsync(stoppingToken).ConfigureAwait(false);
    }

    protected sealed override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        // Taken after the pass's wake-up task (PeriodicController), so a mark made from here on wakes the next pass.
        var marked = _marks?.Take() ?? MarkedSubjects.All;
        var now = Time.GetUtcNow();
        IEnumerable<string> ids;
        if (marked.Everything || now - _lastFullPass >= _fullPassInterval)
        {
            _lastFullPass = now;
            ids = await SubjectsAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // A marked record that is gone meanwhile is found gone by its reconciler, which then does nothing.
            ids = marked.Subjects.Where(IsSubject);
        }
        foreach (var id in ids)
        {
            try
            {
                await ReconcileAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException and not StoreUnavailableException)
            {
                LogSubjectFailed(Logger, e, GetType().Name, id);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Controller} failed on {Arn}; its next full pass tries it again")]
    private static partial void LogSubjectFailed(ILogger logger, Exception exception, string controller, string arn);
}
