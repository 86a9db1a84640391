using Berth.Api.Protocol;
using Berth.Control.Accounts;
using Berth.Control.Capacity;
using Berth.Control.Clusters;
using Berth.Core.Clusters;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Metrics;
using Berth.Core.Services;
using Berth.Core.Tasks;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.Clusters;

/// <summary>CreateCluster, DescribeClusters, ListClusters, UpdateCluster(Settings), PutClusterCapacityProviders, DeleteCluster.</summary>
internal sealed class ClusterHandler(IStateStore store)
{
    /// <summary>DescribeClusters takes at most 100 clusters per call.</summary>
    private const int MaxDescribe = 100;

    private readonly EffectiveAccountSettings _settings = new(store);

    public void Register(JsonService service) => service
        .Add<CreateClusterRequest, CreateClusterResponse>(CreateAsync)
        .Add<DescribeClustersRequest, DescribeClustersResponse>(DescribeAsync)
        .Add<ListClustersRequest, ListClustersResponse>(ListAsync)
        .Add<UpdateClusterRequest, UpdateClusterResponse>(UpdateAsync)
        .Add<UpdateClusterSettingsRequest, UpdateClusterSettingsResponse>(UpdateSettingsAsync)
        .Add<PutClusterCapacityProvidersRequest, PutClusterCapacityProvidersResponse>(PutCapacityProvidersAsync)
        .Add<DeleteClusterRequest, DeleteClusterResponse>(DeleteAsync);

    /// <summary>Idempotent on the name: an ACTIVE cluster of that name is returned unchanged; an INACTIVE one is created anew.</summary>
    private async Task<CreateClusterResponse> CreateAsync(CreateClusterRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var insights = await _settings.ReadAsync(context.Scope, context.PrincipalArn, ContainerInsights.SettingName, cancellationToken).ConfigureAwait(false);
        var providers = await CapacityProviderState.ActiveNamesAsync(store, context.Scope, cancellationToken).ConfigureAwait(false);
        var cluster = ClusterRules.NewCluster(request, context.Scope, insights.Value!, providers);
        var result = await store.RetryOnConflictAsync(async ct =>
        {
            var existing = await store.GetAsync(EcsRecords.Clusters, cluster.ClusterArn!, ct).ConfigureAwait(false);
            if (existing is { Value.Status: "ACTIVE" })
            {
                return existing.Value;
            }
            await store.CommitAsync([EcsRecords.PutCluster(cluster, existing?.Version ?? 0)], ct).ConfigureAwait(false);
            return cluster;
        }, cancellationToken).ConfigureAwait(false);
        return new CreateClusterResponse { Cluster = await WithUsageAsync(result, ClusterView.Full, cancellationToken).ConfigureAwait(false) };
    }

    private async Task<DescribeClustersResponse> DescribeAsync(DescribeClustersRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var names = request.Clusters is { Count: > 0 } given ? given : [ClusterRules.DefaultClusterName];
        if (names.Count > MaxDescribe)
        {
            throw new InvalidParameterException($"DescribeClusters accepts at most {MaxDescribe} clusters.");
        }
        var view = ClusterView.From(request.Include);
        var clusters = new List<Cluster>();
        var failures = new List<Failure>();
        foreach (var name in names)
        {
            var arn = ClusterArnOrNull(context, name);
            var found = arn is null ? null : await store.GetAsync(EcsRecords.Clusters, arn, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                failures.Add(new Failure { Arn = arn ?? name, Reason = "MISSING" });
            }
            else
            {
                clusters.Add(await WithUsageAsync(found.Value, view, cancellationToken).ConfigureAwait(false));
            }
        }
        return new DescribeClustersResponse { Clusters = clusters, Failures = failures };
    }

    private async Task<ListClustersResponse> ListAsync(ListClustersRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var page = await Paging.ReadAsync(
            store, EcsRecords.Clusters, new RecordQuery(EcsRecords.Clusters.Kind, context.Scope.EcsArnPrefix),
            c => c.Status == "ACTIVE", request.MaxResults, request.NextToken, cancellationToken).ConfigureAwait(false);
        return new ListClustersResponse { ClusterArns = page.Items.Select(c => c.Id).ToList(), NextToken = page.NextToken };
    }

    private async Task<UpdateClusterResponse> UpdateAsync(UpdateClusterRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        ClusterRules.ValidateSettings(request.Settings);
        var serviceConnectDefaults = ClusterRules.ServiceConnectDefaultsOf(request.ServiceConnectDefaults);
        var cluster = await ChangeAsync(context, request.Cluster, c => c with
        {
            Settings = ClusterRules.MergeSettings(c.Settings, request.Settings),
            Configuration = request.Configuration ?? c.Configuration,
            ServiceConnectDefaults = serviceConnectDefaults ?? c.ServiceConnectDefaults,
        }, cancellationToken).ConfigureAwait(false);
        return new UpdateClusterResponse { Cluster = cluster };
    }

    private async Task<UpdateClusterSettingsResponse> UpdateSettingsAsync(UpdateClusterSettingsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        ClusterRules.ValidateSettings(Require.Present(request.Settings, "settings"));
        var cluster = await ChangeAsync(context, request.Cluster,
            c => c with { Settings = ClusterRules.MergeSettings(c.Settings, request.Settings) }, cancellationToken).ConfigureAwait(false);
        return new UpdateClusterSettingsResponse { Cluster = cluster };
    }

    private async Task<PutClusterCapacityProvidersResponse> PutCapacityProvidersAsync(
        PutClusterCapacityProvidersRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var providers = Require.Present(request.CapacityProviders, "capacityProviders");
        var strategy = Require.Present(request.DefaultCapacityProviderStrategy, "defaultCapacityProviderStrategy");
        var accountProviders = await CapacityProviderState.ActiveNamesAsync(store, context.Scope, cancellationToken).ConfigureAwait(false);
        ClusterRules.ValidateCapacityProviders(providers, strategy, accountProviders);
        var current = await store.GetAsync(EcsRecords.Clusters, RequiredArn(context, request.Cluster), cancellationToken).ConfigureAwait(false);
        var removed = (current?.Value.CapacityProviders ?? []).Except(providers, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        if (removed.Count > 0)
        {
            await RefuseInUseAsync(current!.Value, removed, cancellationToken).ConfigureAwait(false);
        }
        var cluster = await ChangeAsync(context, request.Cluster,
            c => c with { CapacityProviders = providers, DefaultCapacityProviderStrategy = strategy }, cancellationToken).ConfigureAwait(false);
        return new PutClusterCapacityProvidersResponse { Cluster = cluster };
    }

    /// <summary>
    /// ECS disassociates a provider from a cluster only while no task uses it (API reference, PutClusterCapacityProviders):
    /// a live service whose strategy names it, or a task placed by it that has not stopped, keeps it in use.
    /// </summary>
    private async Task RefuseInUseAsync(Cluster cluster, IReadOnlySet<string> removed, CancellationToken cancellationToken)
    {
        var services = await store.QueryAsync(EcsRecords.Services, new RecordQuery(EcsRecords.Services.Kind, cluster.ClusterArn), cancellationToken)
            .ConfigureAwait(false);
        var tasks = await store.QueryAsync(EcsRecords.Tasks, new RecordQuery(EcsRecords.Tasks.Kind, cluster.ClusterArn), cancellationToken)
            .ConfigureAwait(false);
        if (services.Any(s => s.Value.Service.Status != ServiceStatuses.Inactive
                && s.Value.Service.CapacityProviderStrategy?.Any(i => removed.Contains(i.CapacityProvider!)) == true)
            || tasks.Any(t => t.Value.CapacityProviderName is { } provider && removed.Contains(provider) && t.Value.LastStatus != TaskStatuses.Stopped))
        {
            throw new ResourceInUseException();
        }
    }

    /// <summary>
    /// ECS refuses to delete a cluster that still has container instances, services or tasks, in that
    /// order of checks; a deleted cluster stays describable as INACTIVE.
    /// </summary>
    private async Task<DeleteClusterResponse> DeleteAsync(DeleteClusterRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var arn = RequiredArn(context, request.Cluster);
        var deleted = await store.RetryOnConflictAsync(async ct =>
        {
            var current = await store.GetAsync(EcsRecords.Clusters, arn, ct).ConfigureAwait(false);
            if (current is not { Value.Status: "ACTIVE" })
            {
                throw new ClusterNotFoundException();
            }
            var usage = await ClusterUsage.ReadAsync(store, arn, ct).ConfigureAwait(false);
            if (usage.RegisteredContainerInstances > 0)
            {
                throw new ClusterContainsContainerInstancesException();
            }
            // A deleted service stays DRAINING until its tasks are gone, and still holds the cluster.
            if (usage.ActiveServices + usage.DrainingServices > 0)
            {
                throw new ClusterContainsServicesException();
            }
            if (usage.RunningTasks + usage.PendingTasks > 0)
            {
                throw new ClusterContainsTasksException();
            }
            var inactive = current.Value with { Status = "INACTIVE" };
            await store.CommitAsync([EcsRecords.PutCluster(inactive, current.Version)], ct).ConfigureAwait(false);
            return inactive;
        }, cancellationToken).ConfigureAwait(false);
        return new DeleteClusterResponse { Cluster = await WithUsageAsync(deleted, ClusterView.Full, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>
    /// The cluster an operation whose model requires one names: other operations take a missing cluster for "default",
    /// these must not (a DeleteCluster without one would delete the default cluster).
    /// </summary>
    private static string RequiredArn(RequestContext context, string? nameOrArn) =>
        ClusterRules.ArnOf(context.Scope, Require.NotBlank(nameOrArn, "cluster"));

    /// <summary>Read-modify-write of an ACTIVE cluster; the response shows it whole, as ECS's update calls do.</summary>
    private async Task<Cluster> ChangeAsync(RequestContext context, string? nameOrArn, Func<Cluster, Cluster> change, CancellationToken cancellationToken)
    {
        var arn = RequiredArn(context, nameOrArn);
        var changed = await store.RetryOnConflictAsync(async ct =>
        {
            var current = await store.GetAsync(EcsRecords.Clusters, arn, ct).ConfigureAwait(false);
            if (current is not { Value.Status: "ACTIVE" })
            {
                throw new ClusterNotFoundException();
            }
            var next = change(current.Value);
            await store.CommitAsync([EcsRecords.PutCluster(next, current.Version)], ct).ConfigureAwait(false);
            return next;
        }, cancellationToken).ConfigureAwait(false);
        return await WithUsageAsync(changed, ClusterView.Full, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Cluster> WithUsageAsync(Cluster cluster, ClusterView view, CancellationToken cancellationToken)
    {
        var usage = await ClusterUsage.ReadAsync(store, cluster.ClusterArn!, cancellationToken).ConfigureAwait(false);
        var statistics = view.Statistics ? await ClusterUsage.ReadStatisticsAsync(store, cluster.ClusterArn!, cancellationToken).ConfigureAwait(false) : null;
        return view.Shape(usage.ApplyTo(cluster), statistics);
    }

    private static string? ClusterArnOrNull(RequestContext context, string nameOrArn)
    {
        try
        {
            return ClusterRules.ArnOf(context.Scope, nameOrArn);
        }
        catch (EcsException)
        {
            return null;
        }
    }
}
