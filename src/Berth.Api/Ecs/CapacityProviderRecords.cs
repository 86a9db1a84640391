using Berth.Core.Arns;
using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Store;

namespace Berth.Api.Ecs;

/// <summary>How capacity providers are named, written and read: one record per provider, listed per account and region.</summary>
public static class CapacityProviderRecords
{
    public static PutRecord Put(CapacityProvider provider, long expectedVersion)
    {
        var arn = provider.CapacityProviderArn!;
        return EcsRecords.CapacityProviders.Put(
            arn, arn[..arn.IndexOf(":capacity-provider/", StringComparison.Ordinal)], provider.Name!, provider, expectedVersion);
    }

    /// <summary>ECS accepts a capacity provider's short name or full ARN.</summary>
    public static string ArnOf(ResourceScope scope, string nameOrArn)
    {
        if (!EcsArn.TryParse(nameOrArn, out var arn))
        {
            return scope.CapacityProviderArn(nameOrArn);
        }
        return arn.ResourceType == "capacity-provider"
            ? arn.ToString()
            : throw new InvalidParameterException($"'{nameOrArn}' is not a capacity provider ARN.");
    }

    /// <summary>The provider's name from its ARN (the part after <c>capacity-provider/</c>).</summary>
    public static string NameOf(string arn) => arn[(arn.IndexOf(":capacity-provider/", StringComparison.Ordinal) + ":capacity-provider/".Length)..];

    /// <summary>Every stored provider of the scope, ACTIVE or not, in name order.</summary>
    public static Task<IReadOnlyList<Versioned<CapacityProvider>>> AllAsync(IStateStore store, ResourceScope scope, CancellationToken cancellationToken) =>
        store.QueryAsync(EcsRecords.CapacityProviders, new RecordQuery(EcsRecords.CapacityProviders.Kind, scope.EcsArnPrefix), cancellationToken);

    /// <summary>The names a cluster may be given besides FARGATE and FARGATE_SPOT: the scope's ACTIVE providers.</summary>
    public static async Task<IReadOnlySet<string>> ActiveNamesAsync(IStateStore store, ResourceScope scope, CancellationToken cancellationToken) =>
        (await AllAsync(store, scope, cancellationToken).ConfigureAwait(false))
            .Where(r => r.Value.Status == CapacityProviderRules.Active)
            .Select(r => r.Value.Name!)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The Auto Scaling group a provider places on; null when the provider is gone.</summary>
    public static async Task<string?> GroupOfAsync(IStateStore store, ResourceScope scope, string providerName, CancellationToken cancellationToken)
    {
        var provider = await store.GetAsync(EcsRecords.CapacityProviders, scope.CapacityProviderArn(providerName), cancellationToken).ConfigureAwait(false);
        return provider is { Value.Status: CapacityProviderRules.Active }
            ? CapacityProviderRules.GroupOf(provider.Value)
            : null;
    }
}
