using Berth.Core.Concurrency;
using Berth.Core.Scheduling;

namespace Berth.Control.Services;

/// <summary>
/// Wakes the service and daemon schedulers in this process when something they react to changed, so a replacement starts
/// at once instead of on the next periodic round. A task's change names the service or daemon it belongs to
/// (<see cref="Notify(SchedulerWake)"/>), and the woken round reconciles that one only; <see cref="ChangeNotifier.Notify"/>
/// without a subject (a service created or updated, a task stopped by a request) wakes a round over every service. A
/// scheduler takes <see cref="ChangeNotifier.Changed"/> before its marks (<see cref="ChangeMarks"/>), so a change made while
/// a round runs is in the next one.
/// </summary>
public sealed class ServiceSignal : SubjectNotifier
{
    /// <summary>Wakes the rounds a task's change calls for: its owner's, every one's, or none.</summary>
    public void Notify(SchedulerWake wake)
    {
        if (wake.Everything)
        {
            Notify();
        }
        else if (wake.SubjectArn is { } subject)
        {
            Notify(subject);
        }
    }
}
