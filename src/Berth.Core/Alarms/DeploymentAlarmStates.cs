using Berth.Core.CloudWatch;

namespace Berth.Core.Alarms;

/// <summary>
/// The CloudWatch alarms a deployment watches (a service's <c>deploymentConfiguration.alarms</c>, a daemon deployment's
/// <c>alarms</c>), as the scheduler reads them: which of the named alarms are in ALARM, and the bake time a rolling
/// deployment keeps watching them for after its tasks are steady. An alarm that does not exist is not in ALARM and
/// adds no bake time: the API reference does not say that ECS refuses such a name, and CloudWatch's DescribeAlarms, which
/// ECS reads alarms with, simply leaves an unknown name out.
/// </summary>
public sealed record DeploymentAlarmStates(IReadOnlySet<string> InAlarm, TimeSpan BakeTime)
{
    public static readonly DeploymentAlarmStates None = new(new HashSet<string>(StringComparer.Ordinal), TimeSpan.Zero);

    /// <summary>
    /// The readings of the named alarms that exist. The bake time is the longest evaluation window among them (Period ×
    /// EvaluationPeriods): the developer guide says only that ECS "computes this time period based on the alarm
    /// configuration", and an alarm has judged data of the new tasks alone once one whole window has passed.
    /// </summary>
    public static DeploymentAlarmStates Of(IEnumerable<MetricAlarm> alarms)
    {
        var list = alarms.ToList();
        return new DeploymentAlarmStates(
            list.Where(a => a.StateValue == AlarmStates.Alarm).Select(a => a.AlarmName!).ToHashSet(StringComparer.Ordinal),
            list.Select(a => TimeSpan.FromSeconds((long)(a.Period ?? 0) * (a.EvaluationPeriods ?? 0))).DefaultIfEmpty(TimeSpan.Zero).Max());
    }

    /// <summary>The named alarms that are in ALARM, in the order they were named, each once: what fails the deployment.</summary>
    public static IReadOnlyList<string> Triggered(IEnumerable<string>? alarmNames, IReadOnlySet<string> inAlarm) =>
        [.. (alarmNames ?? []).Where(inAlarm.Contains).Distinct(StringComparer.Ordinal)];
}
