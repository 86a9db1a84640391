using Berth.Core.Arns;
using Berth.Core.Daemons;
using Berth.Store;

namespace Berth.Control.Daemons;

/// <summary>Resolves a daemon task definition as the Daemon API names one.</summary>
public static class DaemonTaskDefinitionLookup
{
    /// <summary>A bare family resolves to its newest ACTIVE revision; family:revision and ARNs to that revision.</summary>
    public static async Task<Versioned<DaemonTaskDefinitionRecord>?> FindAsync(
        IStateStore store, ResourceScope scope, string? name, CancellationToken cancellationToken)
    {
        if (!DaemonTaskDefinitionRef.TryParse(scope, name, out var reference))
        {
            return null;
        }
        if (DaemonTaskDefinitionRef.ArnOf(reference) is { } arn)
        {
            return await store.GetAsync(DaemonRecords.TaskDefinitions, arn, cancellationToken).ConfigureAwait(false);
        }
        var newestFirst = new RecordQuery(DaemonRecords.TaskDefinitions.Kind, reference.Scope.EcsArnPrefix)
        {
            SortKeyPrefix = reference.Family + " ",
            Descending = true,
        };
        var revisions = await store.QueryAsync(DaemonRecords.TaskDefinitions, newestFirst, cancellationToken).ConfigureAwait(false);
        return revisions.FirstOrDefault(r => r.Value.Definition.Status == DaemonTaskDefinitions.Active);
    }
}
