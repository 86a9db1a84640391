using Berth.Core.Arns;
using Berth.Core.AutoScaling;
using Berth.Store;

namespace Berth.Control.AutoScaling;

/// <summary>
/// The Describe operations' read: every record of a kind in the account and region, or only one scalable target's
/// when the request names its ResourceId (their sort keys start with it).
/// </summary>
internal static class TargetRecordQuery
{
    public static Task<IReadOnlyList<Versioned<T>>> ReadAsync<T>(IStateStore store, RecordType<T> type, ResourceScope scope, string? requestedResourceId,
        CancellationToken cancellationToken) =>
        store.QueryAsync(type, new RecordQuery(type.Kind, AutoScalingRecords.Scope(scope))
        {
            SortKeyPrefix = requestedResourceId is { } id ? AutoScalingRecords.OfTarget(ScalableTargetRules.Resource(id).ResourceId) : null,
        }, cancellationToken);
}
