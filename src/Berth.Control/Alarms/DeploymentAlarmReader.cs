using Berth.Core.Alarms;
using Berth.Core.Arns;
using Berth.Store;

namespace Berth.Control.Alarms;

/// <summary>
/// Reads the alarms a deployment watches from Berth's CloudWatch alarms, for the service and daemon schedulers' snapshots:
/// the named alarms of the scope that exist, as <see cref="DeploymentAlarmStates"/> (which are in ALARM, and the bake time).
/// </summary>
public static class DeploymentAlarmReader
{
    public static async Task<DeploymentAlarmStates> ReadAsync(
        IStateStore store, ResourceScope scope, IEnumerable<string>? alarmNames, CancellationToken cancellationToken)
    {
        var alarms = new List<Berth.Core.CloudWatch.MetricAlarm>();
        foreach (var name in (alarmNames ?? []).Distinct(StringComparer.Ordinal))
        {
            if (await store.GetAsync(AlarmRecords.Alarms, AlarmRecords.AlarmId(scope, name), cancellationToken).ConfigureAwait(false) is { } alarm)
            {
                alarms.Add(alarm.Value.Alarm);
            }
        }
        return DeploymentAlarmStates.Of(alarms);
    }
}
