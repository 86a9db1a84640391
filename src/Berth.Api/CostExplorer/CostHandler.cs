using Berth.Api.Protocol;
using Berth.Control.Cost;
using Berth.Core.Cost;
using Berth.Core.CostExplorer;

namespace Berth.Api.CostExplorer;

/// <summary>
/// GetCostAndUsage, GetDimensionValues and GetTags over the caller's account's task usage (every region: Cost Explorer
/// is global); every other Cost Explorer operation answers UnsupportedFeatureException.
/// </summary>
internal sealed class CostHandler(UsageLedger ledger, FargatePriceTable prices)
{
    public void Register(JsonService service) => service
        .Add<GetCostAndUsageRequest, GetCostAndUsageResponse>(async (request, context, ct) =>
            CostExplorerQueries.CostAndUsage(request, await ledger.ReadAsync(context.Scope.AccountId, ct).ConfigureAwait(false), prices, context.Now))
        .Add<GetDimensionValuesRequest, GetDimensionValuesResponse>(async (request, context, ct) =>
            CostExplorerQueries.DimensionValues(request, await ledger.ReadAsync(context.Scope.AccountId, ct).ConfigureAwait(false), prices, context.Now))
        .Add<GetTagsRequest, GetTagsResponse>(async (request, context, ct) =>
            CostExplorerQueries.Tags(request, await ledger.ReadAsync(context.Scope.AccountId, ct).ConfigureAwait(false), prices, context.Now));
}
