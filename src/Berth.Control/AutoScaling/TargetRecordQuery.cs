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

    /// <summary>
    /// One page of a Describe of named items (DescribeScalingPolicies, DescribeScheduledActions): the records
    /// <see cref="ReadAsync"/> reads, narrowed to the requested names and scalable dimension, in sort-key order.
    /// </summary>
    public static async Task<(IReadOnlyList<TItem> Page, string? NextToken)> PageAsync<T, TItem>(IStateStore store, RecordType<T> type, ResourceScope scope,
        NamedItemFilter filter, Func<T, TItem> item, Func<TItem, (string? Name, string? Dimension)> keyOf, CancellationToken cancellationToken)
    {
        ScalableTargetRules.CheckNamespace(filter.ServiceNamespace);
        var all = await ReadAsync(store, type, scope, filter.ResourceId, cancellationToken).ConfigureAwait(false);
        var matching = all
            .Select(r => (r.SortKey, Item: item(r.Value)))
            .Where(r => keyOf(r.Item) is var (name, dimension)
                && (filter.Names is not { Count: > 0 } names || names.Contains(name!))
                && (filter.ScalableDimension is null || dimension == filter.ScalableDimension))
            .ToList();
        return AutoScalingPaging.Page(matching, filter.MaxResults, filter.NextToken);
    }
}

/// <summary>What a Describe of named items asks for: the members DescribeScalingPolicies and DescribeScheduledActions share.</summary>
internal sealed record NamedItemFilter(
    string? ServiceNamespace, string? ResourceId, IReadOnlyCollection<string>? Names, string? ScalableDimension, int? MaxResults, string? NextToken);
