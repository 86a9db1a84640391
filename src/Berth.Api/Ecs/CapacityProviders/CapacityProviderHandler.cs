using Berth.Api.Protocol;
using Berth.Control.Capacity;
using Berth.Control.Clusters;
using Berth.Core.Capacity;
using Berth.Core.Clusters;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.CapacityProviders;

/// <summary>CreateCapacityProvider, DescribeCapacityProviders, UpdateCapacityProvider and DeleteCapacityProvider.</summary>
internal sealed class CapacityProviderHandler(ClusterState state, CapacityProviderDeletions deletions)
{
    /// <summary>ECS limits: DescribeCapacityProviders takes at most 100 names and lists 1–10 per page, 10 by default.</summary>
    private const int MaxDescribe = 100;
    private const int MaxPage = 10;

    private readonly IStateStore _store = state.Store;

    public void Register(JsonService service) => service
        .Add<CreateCapacityProviderRequest, CreateCapacityProviderResponse>(CreateAsync)
        .Add<DescribeCapacityProvidersRequest, DescribeCapacityProvidersResponse>(DescribeAsync)
        .Add<UpdateCapacityProviderRequest, UpdateCapacityProviderResponse>(UpdateAsync)
        .Add<DeleteCapacityProviderRequest, DeleteCapacityProviderResponse>(DeleteAsync);

    /// <summary>A name is unique per account and region, and so is a group: ECS gives one Auto Scaling group one provider.</summary>
    private async Task<CreateCapacityProviderResponse> CreateAsync(
        CreateCapacityProviderRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var provider = CapacityProviderRules.NewProvider(request, context.Scope);
        var group = CapacityProviderRules.GroupOf(provider);
        await _store.RetryOnConflictAsync(async ct =>
        {
            var all = await CapacityProviderState.AllAsync(_store, context.Scope, ct).ConfigureAwait(false);
            var existing = all.FirstOrDefault(r => r.Id == provider.CapacityProviderArn);
            if (existing is { Value.Status: CapacityProviderRules.Active })
            {
                throw new ClientException(
                    "The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.");
            }
            if (all.Any(r => r.Value.Status == CapacityProviderRules.Active && CapacityProviderRules.GroupOf(r.Value) == group))
            {
                throw new ClientException(
                    "The specified Auto Scaling group ARN is already being used by another capacity provider. Specify a unique Auto Scaling group ARN and try again.");
            }
            // A deleted (INACTIVE) provider's name is free again; its record is replaced.
            await _store.CommitAsync([EcsRecords.PutCapacityProvider(provider, existing?.Version ?? 0)], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return new CreateCapacityProviderResponse { CapacityProvider = provider };
    }

    /// <summary>
    /// Named providers are described in the order given, missing ones as failures. Without names ECS lists the account's
    /// providers, FARGATE and FARGATE_SPOT included, a page at a time (only those of <c>cluster</c> when it is given).
    /// </summary>
    private async Task<DescribeCapacityProvidersResponse> DescribeAsync(
        DescribeCapacityProvidersRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        foreach (var field in request.Include ?? [])
        {
            Require.OneOf(field, EcsEnums.CapacityProviderField, "include");
        }
        var withTags = request.Include?.Contains("TAGS") == true;
        var all = await CapacityProviderState.AllAsync(_store, context.Scope, cancellationToken).ConfigureAwait(false);
        var stored = all.ToDictionary(r => r.Id, r => r.Value, StringComparer.Ordinal);
        foreach (var name in ClusterRules.FargateProviders)
        {
            stored[context.Scope.CapacityProviderArn(name)] = CapacityProviderRules.Reserved(context.Scope, name);
        }
        if (request.CapacityProviders is { Count: > 0 } names)
        {
            Require.That(names.Count <= MaxDescribe, $"capacityProviders can name at most {MaxDescribe} capacity providers.");
            var found = new List<CapacityProvider>();
            var failures = new List<Failure>();
            foreach (var name in names)
            {
                var arn = CapacityProviderRules.ArnOf(context.Scope, name);
                if (stored.TryGetValue(arn, out var provider))
                {
                    found.Add(Shown(provider, withTags));
                }
                else
                {
                    failures.Add(new Failure { Arn = arn, Reason = "MISSING" });
                }
            }
            return new DescribeCapacityProvidersResponse { CapacityProviders = found, Failures = failures };
        }
        var limit = request.MaxResults ?? MaxPage;
        Require.InRange(limit, 1, MaxPage, "maxResults");
        var associated = request.Cluster is null
            ? null
            : (await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false)).CapacityProviders ?? [];
        var listed = stored.Values
            .Where(p => p.Status == CapacityProviderRules.Active && associated?.Contains(p.Name!) != false)
            .OrderBy(ListingKey, StringComparer.Ordinal)
            .ToList();
        var page = Paging.Slice(listed, ListingKey, limit, request.NextToken);
        return new DescribeCapacityProvidersResponse
        {
            CapacityProviders = page.Items.Select(p => Shown(p, withTags)).ToList(),
            Failures = [],
            NextToken = page.NextToken,
        };
    }

    private async Task<UpdateCapacityProviderResponse> UpdateAsync(
        UpdateCapacityProviderRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var name = Require.NotBlank(request.Name, "name");
        CapacityProviderRules.RefuseReserved(name, "updated");
        CapacityProviderRules.RefuseManagedInstances(request.ManagedInstancesProvider is not null || request.Cluster is not null);
        var updated = await ChangeAsync(context, name,
            (current, _) => CapacityProviderRules.Update(current, request.AutoScalingGroupProvider), cancellationToken).ConfigureAwait(false);
        return new UpdateCapacityProviderResponse { CapacityProvider = updated };
    }

    /// <summary>
    /// A provider still associated with a cluster stays ACTIVE and reports DELETE_FAILED, as ECS does; any other answers
    /// DELETE_IN_PROGRESS and is made INACTIVE in the background (<see cref="CapacityProviderDeletions"/>).
    /// </summary>
    private async Task<DeleteCapacityProviderResponse> DeleteAsync(
        DeleteCapacityProviderRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var nameOrArn = Require.NotBlank(request.CapacityProvider, "capacityProvider");
        CapacityProviderRules.RefuseReserved(CapacityProviderRules.NameOf(CapacityProviderRules.ArnOf(context.Scope, nameOrArn)), "deleted");
        var deleted = await ChangeAsync(context, nameOrArn, CapacityProviderRules.Delete, cancellationToken).ConfigureAwait(false);
        if (CapacityProviderRules.IsBeingDeleted(deleted))
        {
            deletions.Notify();
        }
        return new DeleteCapacityProviderResponse { CapacityProvider = deleted };
    }

    /// <summary>Read-modify-write of an ACTIVE provider, given the names of the clusters it is associated with.</summary>
    private Task<CapacityProvider> ChangeAsync(
        RequestContext context, string nameOrArn, Func<CapacityProvider, IReadOnlyList<string>, CapacityProvider> change, CancellationToken cancellationToken)
    {
        var arn = CapacityProviderRules.ArnOf(context.Scope, nameOrArn);
        var name = CapacityProviderRules.NameOf(arn);
        return _store.RetryOnConflictAsync(async ct =>
        {
            var current = await _store.GetAsync(EcsRecords.CapacityProviders, arn, ct).ConfigureAwait(false);
            if (current is not { Value.Status: CapacityProviderRules.Active })
            {
                throw new ClientException($"The specified capacity provider '{name}' does not exist. Specify a valid name or ARN and try again.");
            }
            var clusters = await _store.QueryAsync(EcsRecords.Clusters, new RecordQuery(EcsRecords.Clusters.Kind, context.Scope.EcsArnPrefix), ct)
                .ConfigureAwait(false);
            var associated = clusters
                .Where(c => c.Value.Status == "ACTIVE" && c.Value.CapacityProviders?.Contains(name) == true)
                .Select(c => c.Value.ClusterName!)
                .ToList();
            var next = change(current.Value, associated);
            await _store.CommitAsync([EcsRecords.PutCapacityProvider(next, current.Version)], ct).ConfigureAwait(false);
            return next;
        }, cancellationToken);
    }

    /// <summary>Tags are returned with include TAGS only (and always by CreateCapacityProvider).</summary>
    private static CapacityProvider Shown(CapacityProvider provider, bool withTags) => withTags ? provider : provider with { Tags = null };

    /// <summary>FARGATE and FARGATE_SPOT first, then the account's providers by name.</summary>
    private static string ListingKey(CapacityProvider provider) =>
        (CapacityProviderRules.IsFargate(provider.Name) ? "0 " : "1 ") + provider.Name;
}
