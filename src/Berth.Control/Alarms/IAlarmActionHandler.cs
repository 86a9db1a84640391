using Berth.Core.Arns;
using Berth.Core.CloudWatch;

namespace Berth.Control.Alarms;

/// <summary>Carries out one kind of alarm action (Berth has one: invoking an Application Auto Scaling policy).</summary>
public interface IAlarmActionHandler
{
    bool Handles(string action);

    /// <summary>Invokes <paramref name="action"/> for <paramref name="alarm"/>, now in its new state; the error CloudWatch would record, or null.</summary>
    Task<string?> InvokeAsync(string action, MetricAlarm alarm, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken);
}
