using Berth.Api.Protocol;
using Berth.Control.Clusters;
using Berth.Control.Daemons;
using Berth.Core.Arns;
using Berth.Core.Daemons;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Tasks;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.Daemons;

/// <summary>
/// CreateDaemon, UpdateDaemon, DeleteDaemon, DescribeDaemon and ListDaemons. The handlers only change desired state:
/// each of the first three writes a revision (not DeleteDaemon) and a PENDING daemon deployment with the daemon in one
/// commit and wakes the daemon scheduler, which starts and stops the tasks (<see cref="DaemonReconciler"/>).
/// </summary>
internal sealed class DaemonHandler(ClusterState state, DaemonSignal signal)
{
    private IStateStore Store => state.Store;

    public void Register(JsonService service) => service
        .Add<CreateDaemonRequest, CreateDaemonResponse>(CreateAsync)
        .Add<UpdateDaemonRequest, UpdateDaemonResponse>(UpdateAsync)
        .Add<DeleteDaemonRequest, DeleteDaemonResponse>(DeleteAsync)
        .Add<DescribeDaemonRequest, DescribeDaemonResponse>(DescribeAsync)
        .Add<ListDaemonsRequest, ListDaemonsResponse>(ListAsync);

    /// <summary>
    /// A retry with the clientToken of the call that created the daemon answers that call's daemon; any other request for
    /// a name in use is refused, as CreateService refuses one ("Creation of service was not idempotent.").
    /// </summary>
    private async Task<CreateDaemonResponse> CreateAsync(CreateDaemonRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        DaemonRules.ValidateCreate(request);
        var scope = context.Scope;
        var cluster = await state.ActiveClusterAsync(scope, request.ClusterArn, cancellationToken).ConfigureAwait(false);
        var definition = await ActiveDefinitionAsync(scope, request.DaemonTaskDefinitionArn!, cancellationToken).ConfigureAwait(false);
        var providers = await DaemonCapacity.ResolveAsync(Store, scope, cluster, request.CapacityProviderArns!, cancellationToken).ConfigureAwait(false);
        var arn = DaemonArns.Daemon(scope, cluster.ClusterName!, request.DaemonName!);
        var deploymentId = DaemonDeployments.NewId(Random.Shared);
        var daemon = await Store.RetryOnConflictAsync(async ct =>
        {
            if (await Store.GetAsync(DaemonRecords.Daemons, arn, ct).ConfigureAwait(false) is { } existing)
            {
                return request.ClientToken is not null && existing.Value.ClientToken == request.ClientToken
                    ? existing.Value
                    : throw new InvalidParameterException(existing.Value.Status == DaemonRecord.Active
                        ? "Creation of daemon was not idempotent."
                        : "Unable to create a daemon that is still being deleted.");
            }
            var settings = new DaemonDeployments.RevisionSettings(definition, [.. providers.Select(p => p.Arn)], request.PropagateTags,
                request.EnableECSManagedTags == true, request.EnableExecuteCommand == true);
            var revision = DaemonDeployments.Revision(arn, cluster.ClusterArn!, 1, settings, context.Now);
            var deployment = DaemonDeployments.Deployment(arn, cluster.ClusterArn!, deploymentId, revision, [],
                DaemonRules.WithDefaults(request.DeploymentConfiguration), context.Now);
            var created = new DaemonRecord(arn, cluster.ClusterArn!, request.DaemonName!, DaemonRecord.Active, revision.Revision.DaemonRevisionArn!,
                deployment.Deployment.DaemonDeploymentArn!, 1, request.Tags ?? [], request.ClientToken, context.Now, context.Now);
            await Store.CommitAsync(
                [DaemonRecords.PutDaemon(created, 0), DaemonRecords.PutRevision(revision), DaemonRecords.PutDeployment(deployment, 0)], ct).ConfigureAwait(false);
            return created;
        }, cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return new CreateDaemonResponse { DaemonArn = daemon.DaemonArn, Status = daemon.Status, CreatedAt = daemon.CreatedAt, DeploymentArn = daemon.DeploymentArn };
    }

    /// <summary>
    /// A new revision and the deployment to it. Settings the request leaves out keep the daemon's current values (the
    /// deployment configuration, tag propagation, managed tags, ECS Exec), as UpdateService keeps a service's.
    /// </summary>
    private async Task<UpdateDaemonResponse> UpdateAsync(UpdateDaemonRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        DaemonRules.ValidateUpdate(request);
        var scope = context.Scope;
        var (found, cluster) = await ActiveDaemonAsync(scope, request.DaemonArn, cancellationToken).ConfigureAwait(false);
        var definition = await ActiveDefinitionAsync(scope, request.DaemonTaskDefinitionArn!, cancellationToken).ConfigureAwait(false);
        var providers = await DaemonCapacity.ResolveAsync(Store, scope, cluster, request.CapacityProviderArns!, cancellationToken).ConfigureAwait(false);
        var deploymentId = DaemonDeployments.NewId(Random.Shared);
        var daemon = await Store.RetryOnConflictAsync(async ct =>
        {
            var (current, latest) = await CurrentAsync(found.Id, ct).ConfigureAwait(false);
            var revision = await Store.GetAsync(DaemonRecords.Revisions, current.Value.RevisionArn, ct).ConfigureAwait(false)
                ?? throw new InvalidDataException($"Revision {current.Value.RevisionArn} of daemon {current.Id} is missing.");
            var was = revision.Value.Revision;
            var settings = new DaemonDeployments.RevisionSettings(definition, [.. providers.Select(p => p.Arn)], request.PropagateTags ?? was.PropagateTags,
                request.EnableECSManagedTags ?? was.EnableECSManagedTags == true, request.EnableExecuteCommand ?? was.EnableExecuteCommand == true);
            var number = current.Value.Revisions + 1;
            var next = DaemonDeployments.Revision(current.Value.DaemonArn, current.Value.ClusterArn, number, settings, context.Now);
            var configuration = request.DeploymentConfiguration is { } given
                ? DaemonRules.WithDefaults(given)
                : latest.Value.Deployment.DeploymentConfiguration ?? DaemonRules.WithDefaults(null);
            var deployment = DaemonDeployments.Deployment(current.Value.DaemonArn, current.Value.ClusterArn, deploymentId, next,
                DaemonDeployments.SourcesOf(current.Value, latest.Value), configuration, context.Now);
            var updated = current.Value with
            {
                RevisionArn = next.Revision.DaemonRevisionArn!,
                DeploymentArn = deployment.Deployment.DaemonDeploymentArn!,
                Revisions = number,
                UpdatedAt = context.Now,
            };
            await Store.CommitAsync(
                [DaemonRecords.PutDaemon(updated, current.Version), DaemonRecords.PutRevision(next), DaemonRecords.PutDeployment(deployment, 0),
                    .. Superseded(latest, context.Now)], ct).ConfigureAwait(false);
            return updated;
        }, cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return new UpdateDaemonResponse
        {
            DaemonArn = daemon.DaemonArn,
            Status = daemon.Status,
            CreatedAt = daemon.CreatedAt,
            UpdatedAt = daemon.UpdatedAt,
            DeploymentArn = daemon.DeploymentArn,
        };
    }

    /// <summary>DELETE_IN_PROGRESS and a deployment that stops every daemon task; the scheduler removes the daemon once they have stopped.</summary>
    private async Task<DeleteDaemonResponse> DeleteAsync(DeleteDaemonRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var (found, _) = await ActiveDaemonAsync(context.Scope, request.DaemonArn, cancellationToken).ConfigureAwait(false);
        var deploymentId = DaemonDeployments.NewId(Random.Shared);
        var daemon = await Store.RetryOnConflictAsync(async ct =>
        {
            var (current, latest) = await CurrentAsync(found.Id, ct).ConfigureAwait(false);
            var deployment = DaemonDeployments.Deployment(current.Value.DaemonArn, current.Value.ClusterArn, deploymentId, null,
                DaemonDeployments.SourcesOf(current.Value, latest.Value),
                latest.Value.Deployment.DeploymentConfiguration ?? DaemonRules.WithDefaults(null), context.Now);
            var deleting = current.Value with
            {
                Status = DaemonRecord.DeleteInProgress,
                DeploymentArn = deployment.Deployment.DaemonDeploymentArn!,
                UpdatedAt = context.Now,
            };
            await Store.CommitAsync(
                [DaemonRecords.PutDaemon(deleting, current.Version), DaemonRecords.PutDeployment(deployment, 0), .. Superseded(latest, context.Now)], ct)
                .ConfigureAwait(false);
            return deleting;
        }, cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return new DeleteDaemonResponse
        {
            DaemonArn = daemon.DaemonArn,
            Status = daemon.Status,
            CreatedAt = daemon.CreatedAt,
            UpdatedAt = daemon.UpdatedAt,
            DeploymentArn = daemon.DeploymentArn,
        };
    }

    private async Task<DescribeDaemonResponse> DescribeAsync(DescribeDaemonRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var daemon = await FindAsync(context.Scope, request.DaemonArn, cancellationToken).ConfigureAwait(false);
        var group = TaskGroups.OfDaemon(daemon.Value.DaemonName);
        var tasks = await Store.TasksOfGroupAsync(daemon.Value.ClusterArn, group, cancellationToken).ConfigureAwait(false);
        var mine = tasks.Where(t => t.LastStatus == TaskStatuses.Running && t.CreatedAt >= daemon.Value.CreatedAt).ToList();
        return new DescribeDaemonResponse { Daemon = DaemonViews.Detail(daemon.Value, mine, context.Scope) };
    }

    /// <summary>Daemons of the account and region, or of one cluster; capacityProviderArns keeps those whose revision runs on any of them.</summary>
    private async Task<ListDaemonsResponse> ListAsync(ListDaemonsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        Require.InRange(request.MaxResults, 1, Paging.DefaultMaxResults, "maxResults");
        var query = new RecordQuery(DaemonRecords.Daemons.Kind, context.Scope.EcsArnPrefix);
        if (request.ClusterArn is not null)
        {
            var cluster = await state.ActiveClusterAsync(context.Scope, request.ClusterArn, cancellationToken).ConfigureAwait(false);
            query = query with { SortKeyPrefix = cluster.ClusterName + " " };
        }
        var wanted = request.CapacityProviderArns is { Count: > 0 } filter
            ? filter.Select(p => context.Scope.CapacityProviderArn(DaemonCapacity.NameOf(p))).ToHashSet(StringComparer.Ordinal)
            : null;
        var daemons = new List<Versioned<DaemonRecord>>();
        foreach (var daemon in await Store.QueryAsync(DaemonRecords.Daemons, query, cancellationToken).ConfigureAwait(false))
        {
            var revision = wanted is null ? null : await Store.GetAsync(DaemonRecords.Revisions, daemon.Value.RevisionArn, cancellationToken).ConfigureAwait(false);
            if (wanted is null || revision?.Value.CapacityProviderArns.Any(wanted.Contains) == true)
            {
                daemons.Add(daemon);
            }
        }
        var page = Paging.Slice(daemons, d => d.SortKey, request.MaxResults ?? Paging.DefaultMaxResults, request.NextToken);
        return new ListDaemonsResponse { DaemonSummariesList = [.. page.Items.Select(d => DaemonViews.Summary(d.Value))], NextToken = page.NextToken };
    }

    /// <summary>The daemon a request names by ARN, in the caller's account and region; DaemonNotFoundException otherwise.</summary>
    private async Task<Versioned<DaemonRecord>> FindAsync(ResourceScope scope, string? daemonArn, CancellationToken cancellationToken)
    {
        var arn = Require.NotBlank(daemonArn, "daemonArn");
        if (!DaemonArns.TryParseDaemon(arn, out var arnScope, out var clusterName, out _))
        {
            throw new InvalidParameterException($"Invalid daemon ARN: '{arn}'.");
        }
        if (arnScope != scope)
        {
            throw new DaemonNotFoundException();
        }
        _ = await state.ActiveClusterAsync(scope, clusterName, cancellationToken).ConfigureAwait(false);
        return await Store.GetAsync(DaemonRecords.Daemons, arn, cancellationToken).ConfigureAwait(false) ?? throw new DaemonNotFoundException();
    }

    /// <summary>An ACTIVE daemon and its cluster; one being deleted is DaemonNotActiveException.</summary>
    private async Task<(Versioned<DaemonRecord> Daemon, Cluster Cluster)> ActiveDaemonAsync(ResourceScope scope, string? daemonArn, CancellationToken cancellationToken)
    {
        var daemon = await FindAsync(scope, daemonArn, cancellationToken).ConfigureAwait(false);
        if (daemon.Value.Status != DaemonRecord.Active)
        {
            throw new DaemonNotActiveException();
        }
        return (daemon, await state.ActiveClusterAsync(scope, daemon.Value.ClusterArn, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Re-read inside the retry: the daemon still ACTIVE, and its latest deployment.</summary>
    private async Task<(Versioned<DaemonRecord> Daemon, Versioned<DaemonDeploymentRecord> Latest)> CurrentAsync(string arn, CancellationToken cancellationToken)
    {
        var daemon = await Store.GetAsync(DaemonRecords.Daemons, arn, cancellationToken).ConfigureAwait(false) ?? throw new DaemonNotFoundException();
        if (daemon.Value.Status != DaemonRecord.Active)
        {
            throw new DaemonNotActiveException();
        }
        var latest = await Store.GetAsync(DaemonRecords.Deployments, daemon.Value.DeploymentArn, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"Deployment {daemon.Value.DeploymentArn} of daemon {arn} is missing.");
        return (daemon, latest);
    }

    private static IEnumerable<RecordWrite> Superseded(Versioned<DaemonDeploymentRecord> latest, DateTimeOffset now) =>
        DaemonDeployments.Supersede(latest.Value, now) is { } stopped ? [DaemonRecords.PutDeployment(stopped, latest.Version)] : [];

    /// <summary>The daemon task definition a daemon is to run: it must exist and be ACTIVE (a deleted one starts no new daemon).</summary>
    private async Task<DaemonTaskDefinition> ActiveDefinitionAsync(ResourceScope scope, string name, CancellationToken cancellationToken)
    {
        var found = await DaemonTaskDefinitionLookup.FindAsync(Store, scope, name, cancellationToken).ConfigureAwait(false)
            ?? throw new ClientException("The specified daemon task definition does not exist.");
        return found.Value.Definition.Status == DaemonTaskDefinitions.Active
            ? found.Value.Definition
            : throw new ClientException("The specified daemon task definition is not in ACTIVE status.");
    }
}
