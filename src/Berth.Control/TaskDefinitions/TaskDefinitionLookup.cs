using Berth.Core.Arns;
using Berth.Core.State;
using Berth.Core.TaskDefinitions;
using Berth.Store;

namespace Berth.Control.TaskDefinitions;

/// <summary>Resolves a task definition as every ECS call names one.</summary>
public static class TaskDefinitionLookup
{
    /// <summary>A bare family resolves to its newest ACTIVE revision; family:revision and ARNs to that revision.</summary>
    public static async Task<Versioned<TaskDefinitionRecord>?> FindAsync(
        IStateStore store, ResourceScope scope, string? name, CancellationToken cancellationToken)
    {
        if (!TaskDefinitionRef.TryParse(scope, name, out var reference))
        {
            return null;
        }
        if (reference.Arn is { } arn)
        {
            return await store.GetAsync(EcsRecords.TaskDefinitions, arn, cancellationToken).ConfigureAwait(false);
        }
        var newestFirst = new RecordQuery(EcsRecords.TaskDefinitions.Kind, reference.Scope.EcsArnPrefix)
        {
            SortKeyPrefix = reference.Family + " ",
            Descending = true,
        };
        var revisions = await store.QueryAsync(EcsRecords.TaskDefinitions, newestFirst, cancellationToken).ConfigureAwait(false);
        return revisions.FirstOrDefault(r => r.Value.Definition.Status == "ACTIVE");
    }
}
