using Berth.Core.Capacity;
using Berth.Core.Concurrency;
using Berth.Store;

namespace Berth.Control.Capacity;

/// <summary>
/// The background half of DeleteCapacityProvider: ECS answers a deletion with DELETE_IN_PROGRESS and the provider
/// becomes INACTIVE afterwards. The handler notifies this when it accepted one, so the controller that calls
/// <see cref="CompleteAsync"/> finishes it at once; a deletion accepted just before a crash is finished by the pass
/// at the next start, because the state itself (DELETE_IN_PROGRESS) says what is left to do.
/// </summary>
public sealed class CapacityProviderDeletions(IStateStore store) : ChangeNotifier
{
    /// <summary>Makes every provider being deleted, in every account and region, INACTIVE; returns how many.</summary>
    public async Task<int> CompleteAsync(CancellationToken cancellationToken)
    {
        var providers = await store.QueryAsync(EcsRecords.CapacityProviders, new RecordQuery(EcsRecords.CapacityProviders.Kind, null), cancellationToken)
            .ConfigureAwait(false);
        var completed = 0;
        foreach (var provider in providers.Where(p => CapacityProviderRules.IsBeingDeleted(p.Value)))
        {
            try
            {
                await store.CommitAsync([EcsRecords.PutCapacityProvider(CapacityProviderRules.CompleteDeletion(provider.Value), provider.Version)], cancellationToken)
                    .ConfigureAwait(false);
                completed++;
            }
            catch (ConcurrencyConflictException)
            {
                // Changed meanwhile (another server completed it): the next pass reads it afresh.
            }
        }
        return completed;
    }
}
