using System.Globalization;
using Berth.Core.Cost;
using Berth.Core.State;

namespace Berth.Store;

/// <summary>
/// The usage of tasks that are no longer kept: written in the commit that forgets a STOPPED task, so a month's cost
/// survives the hour ECS keeps stopped tasks. Id: task ARN; scope: the ARN's account-region prefix; sort key: when it stopped.
/// </summary>
public static class CostRecords
{
    public static readonly RecordType<TaskUsage> TaskUsages = new("task-usage", StateJsonContext.Default);

    public static PutRecord PutUsage(TaskUsage usage) =>
        TaskUsages.Put(usage.TaskArn, usage.TaskArn[..usage.TaskArn.IndexOf(":task/", StringComparison.Ordinal)],
            (usage.StoppedAt ?? usage.StartedAt).ToString("O", CultureInfo.InvariantCulture), usage, 0);
}
