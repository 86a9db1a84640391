using Berth.Core.Cost;
using Berth.Store;

namespace Berth.Control.Cost;

/// <summary>
/// Every task's usage: the tasks still kept (running, or stopped within the hour) and the usage records of those
/// forgotten since (<see cref="CostRecords"/>). Cost Explorer, <c>berth cost</c> and the usage metrics all read it.
/// </summary>
public sealed class UsageLedger(IStateStore store)
{
    /// <param name="accountId">The account whose usage to read, or null for every account's.</param>
    public async Task<IReadOnlyList<TaskUsage>> ReadAsync(string? accountId, CancellationToken cancellationToken)
    {
        var tasks = await store.QueryAsync(EcsRecords.Tasks, new RecordQuery(EcsRecords.TaskKind, null), cancellationToken).ConfigureAwait(false);
        var kept = tasks.Select(t => TaskUsage.Of(t.Value)).OfType<TaskUsage>().ToList();
        var forgotten = await store.QueryAsync(CostRecords.TaskUsages, new RecordQuery(CostRecords.TaskUsages.Kind, null), cancellationToken).ConfigureAwait(false);
        // The forgetting commit deletes the task and writes its record at once, so a task is never in both.
        return [.. kept.Concat(forgotten.Select(f => f.Value)).Where(u => accountId is null || u.AccountId == accountId)];
    }
}
