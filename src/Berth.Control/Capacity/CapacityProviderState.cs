using Berth.Core.Arns;
using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Store;

namespace Berth.Control.Capacity;

/// <summary>Reads of the account's capacity providers: one record per provider, listed per account and region.</summary>
public static class CapacityProviderState
{
    /// <summary>Every stored provider of the scope, ACTIVE or not, in name order.</summary>
    public static Task<IReadOnlyList<Versioned<CapacityProvider>>> AllAsync(IStateStore store, ResourceScope scope, CancellationToken cancellationToken) =>
        store.QueryAsync(EcsRecords.CapacityProviders, new RecordQuery(EcsRecords.CapacityProviders.Kind, scope.EcsArnPrefix), cancellationToken);

    /// <summary>The names a cluster may be given besides FARGATE and FARGATE_SPOT: the scope's ACTIVE providers not being deleted.</summary>
    public static async Task<IReadOnlySet<string>> ActiveNamesAsync(IStateStore store, ResourceScope scope, CancellationToken cancellationToken) =>
        (await AllAsync(store, scope, cancellationToken).ConfigureAwait(false))
            .Where(r => CapacityProviderRules.IsUsable(r.Value))
            .Select(r => r.Value.Name!)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The Auto Scaling group a provider places on; null when the provider is gone or being deleted.</summary>
    public static async Task<string?> GroupOfAsync(IStateStore store, ResourceScope scope, string providerName, CancellationToken cancellationToken)
    {
        var provider = await store.GetAsync(EcsRecords.CapacityProviders, scope.CapacityProviderArn(providerName), cancellationToken).ConfigureAwait(false);
        return provider is not null && CapacityProviderRules.IsUsable(provider.Value)
            ? CapacityProviderRules.GroupOf(provider.Value)
            : null;
    }
}
