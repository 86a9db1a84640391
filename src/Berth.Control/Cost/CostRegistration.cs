using Berth.Core.Cost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Berth.Control.Cost;

internal static class CostRegistration
{
    /// <summary>Usage and cost: the ledger of task usage, priced by the host's <see cref="FargatePriceTable"/> (the built-in one unless it registered another).</summary>
    public static IServiceCollection AddCost(this IServiceCollection services)
    {
        services.AddSingleton<UsageLedger>();
        services.TryAddSingleton(FargatePriceTable.BuiltIn);
        return services;
    }
}
