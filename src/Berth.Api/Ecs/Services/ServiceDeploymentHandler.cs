using Berth.Api.Protocol;
using Berth.Control.Clusters;
using Berth.Control.Express;
using Berth.Control.Services;
using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.Services;

/// <summary>
/// ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions, StopServiceDeployment and
/// ContinueServiceDeployment over the history the service scheduler keeps (<see cref="ServiceHistory"/>).
/// </summary>
internal sealed class ServiceDeploymentHandler(ClusterState state, ServiceSignal signal, ServiceDeploymentHistory history)
{
    /// <summary>ECS limits: 20 ARNs per Describe call; ListServiceDeployments returns 20 per page by default, at most 100.</summary>
    private const int MaxDescribe = 20;
    private const int DefaultListPage = 20;

    private IStateStore Store => state.Store;

    public void Register(JsonService service) => service
        .Add<ListServiceDeploymentsRequest, ListServiceDeploymentsResponse>(ListAsync)
        .Add<DescribeServiceDeploymentsRequest, DescribeServiceDeploymentsResponse>(DescribeDeploymentsAsync)
        .Add<DescribeServiceRevisionsRequest, DescribeServiceRevisionsResponse>(DescribeRevisionsAsync)
        .Add<StopServiceDeploymentRequest, StopServiceDeploymentResponse>(StopAsync)
        .Add<ContinueServiceDeploymentRequest, ContinueServiceDeploymentResponse>(ContinueAsync);

    /// <summary>Newest first; status and createdAt (before/after, inclusive) narrow the list.</summary>
    private async Task<ListServiceDeploymentsResponse> ListAsync(ListServiceDeploymentsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        var arn = ServiceRules.ArnOf(context.Scope, cluster, Require.NotBlank(request.Service, "service"));
        foreach (var status in request.Status ?? [])
        {
            Require.OneOf(status, EcsEnums.ServiceDeploymentStatus, "status");
        }
        var service = await Store.GetAsync(EcsRecords.Services, arn, cancellationToken).ConfigureAwait(false);
        if (service is null || service.Value.Service.ClusterArn != cluster.ClusterArn)
        {
            throw new ServiceNotFoundException();
        }
        var statuses = request.Status is { Count: > 0 } wanted ? wanted.ToHashSet(StringComparer.Ordinal) : null;
        var (after, before) = (request.CreatedAt?.After, request.CreatedAt?.Before);
        var page = await Paging.ReadAsync(Store, EcsRecords.ServiceDeployments,
            new RecordQuery(EcsRecords.ServiceDeployments.Kind, arn) { Descending = true },
            d => ServiceHistory.IsRetained(d, context.Now)
                && (statuses is null || statuses.Contains(d.Status!))
                && (after is null || d.CreatedAt >= after)
                && (before is null || d.CreatedAt <= before),
            request.MaxResults ?? DefaultListPage, request.NextToken, cancellationToken).ConfigureAwait(false);
        return new ListServiceDeploymentsResponse
        {
            ServiceDeployments = [.. page.Items.Select(r => Brief(r.Value))],
            NextToken = page.NextToken,
        };
    }

    private async Task<DescribeServiceDeploymentsResponse> DescribeDeploymentsAsync(
        DescribeServiceDeploymentsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var (found, failures) = await DescribeAsync(
            EcsRecords.ServiceDeployments, request.ServiceDeploymentArns, "serviceDeploymentArns", context,
            d => ServiceHistory.IsRetained(d, context.Now), cancellationToken).ConfigureAwait(false);
        return new DescribeServiceDeploymentsResponse { ServiceDeployments = found, Failures = failures };
    }

    private async Task<DescribeServiceRevisionsResponse> DescribeRevisionsAsync(
        DescribeServiceRevisionsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var (found, failures) = await DescribeAsync(
            EcsRecords.ServiceRevisions, request.ServiceRevisionArns, "serviceRevisionArns", context, _ => true, cancellationToken).ConfigureAwait(false);
        // An Express service's revisions also name what it provisioned, as it is now.
        var described = await ExpressManagedResourceReader.AddToAsync(Store, context.Scope, found, cancellationToken).ConfigureAwait(false);
        return new DescribeServiceRevisionsResponse { ServiceRevisions = described, Failures = failures };
    }

    /// <summary>
    /// Up to 20 ARNs; each one Berth has no record of — not an ARN of the caller's account and region, from a deleted
    /// service, or past retention — is a failure with reason MISSING, as ECS reports a deployment it cannot describe.
    /// </summary>
    private async Task<(List<T> Found, List<Failure> Failures)> DescribeAsync<T>(
        RecordType<T> type, IReadOnlyList<string>? arns, string member, RequestContext context, Func<T, bool> visible, CancellationToken cancellationToken)
    {
        var requested = arns ?? [];
        if (requested.Count == 0)
        {
            throw new InvalidParameterException($"{member} must contain at least one ARN.");
        }
        Require.Count(requested, MaxDescribe, member, "ARNs");
        var found = new List<T>();
        var failures = new List<Failure>();
        foreach (var arn in requested)
        {
            if (await FindAsync(type, arn, context.Scope, cancellationToken).ConfigureAwait(false) is { } record && visible(record.Value))
            {
                found.Add(record.Value);
            }
            else
            {
                failures.Add(new Failure { Arn = arn, Reason = "MISSING" });
            }
        }
        return (found, failures);
    }

    /// <summary>
    /// ROLLBACK (the default) rolls an unfinished deployment back to the previous successful revision. The API reference
    /// names ROLLBACK as the one valid stop type, so ABORT is refused; a finished deployment cannot be stopped
    /// (ConflictException).
    /// </summary>
    private async Task<StopServiceDeploymentResponse> StopAsync(StopServiceDeploymentRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var arn = Require.NotBlank(request.ServiceDeploymentArn, "serviceDeploymentArn");
        Require.OneOf(request.StopType, EcsEnums.StopServiceDeploymentStopType, "stopType");
        if (request.StopType == "ABORT")
        {
            throw new InvalidParameterException("The stopType ABORT is not supported for this service deployment. The valid value is ROLLBACK.");
        }
        var rollbackId = ServiceRules.NewDeploymentId(Random.Shared);
        await Store.RetryOnConflictAsync(async ct =>
        {
            var deployment = await FindAsync(EcsRecords.ServiceDeployments, arn, context.Scope, ct).ConfigureAwait(false)
                ?? throw new ServiceDeploymentNotFoundException();
            var service = await Store.GetAsync(EcsRecords.Services, deployment.Value.ServiceArn!, ct).ConfigureAwait(false)
                ?? throw new ServiceDeploymentNotFoundException();
            var (record, requested) = ServiceHistory.RequestRollback(service.Value, deployment.Value, rollbackId, context.Now);
            if (requested == deployment.Value)
            {
                return false;
            }
            var (next, historyWrites) = await history.SyncAsync(service.Value, record, context.Now, ct).ConfigureAwait(false);
            // The sync only adds records of other deployments here: the requested rollback is this deployment's state.
            await Store.CommitAsync(
                [EcsRecords.PutService(next, service.Version), EcsRecords.PutServiceDeployment(requested, deployment.Version),
                    .. historyWrites.Where(w => w.Id != arn)], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return new StopServiceDeploymentResponse { ServiceDeploymentArn = arn };
    }

    /// <summary>
    /// A deployment paused at a PAUSE lifecycle hook moves on (CONTINUE, the default) or rolls back (ROLLBACK): the hook's
    /// decision is stored with the service and its service deployment, and the service scheduler acts on it
    /// (<see cref="PauseHooks"/>).
    /// </summary>
    private async Task<ContinueServiceDeploymentResponse> ContinueAsync(
        ContinueServiceDeploymentRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var arn = Require.NotBlank(request.ServiceDeploymentArn, "serviceDeploymentArn");
        var hookId = Require.NotBlank(request.HookId, "hookId");
        Require.OneOf(request.Action, EcsEnums.DeploymentLifecycleHookAction, "action");
        await Store.RetryOnConflictAsync(async ct =>
        {
            var deployment = await FindAsync(EcsRecords.ServiceDeployments, arn, context.Scope, ct).ConfigureAwait(false)
                ?? throw new ServiceDeploymentNotFoundException();
            var service = await Store.GetAsync(EcsRecords.Services, deployment.Value.ServiceArn!, ct).ConfigureAwait(false)
                ?? throw new ServiceDeploymentNotFoundException();
            var scheduler = PauseHooks.Resolve(service.Value.Scheduler, deployment.Value, hookId, request.Action ?? PauseHooks.Continue, context.Now);
            var (next, historyWrites) = await history.SyncAsync(service.Value, service.Value with { Scheduler = scheduler }, context.Now, ct).ConfigureAwait(false);
            await Store.CommitAsync([EcsRecords.PutService(next, service.Version), .. historyWrites], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return new ContinueServiceDeploymentResponse { ServiceDeploymentArn = arn };
    }

    /// <summary>A record of the caller's account and region; another account's ARN is as missing as an unknown one.</summary>
    private async Task<Versioned<T>?> FindAsync<T>(RecordType<T> type, string arn, ResourceScope scope, CancellationToken cancellationToken) =>
        arn.StartsWith(scope.EcsArnPrefix + ":", StringComparison.Ordinal) && ServiceHistory.ServiceArnOf(arn) is not null
            ? await Store.GetAsync(type, arn, cancellationToken).ConfigureAwait(false)
            : null;

    private static ServiceDeploymentBrief Brief(ServiceDeployment deployment) => new()
    {
        ServiceDeploymentArn = deployment.ServiceDeploymentArn,
        ServiceArn = deployment.ServiceArn,
        ClusterArn = deployment.ClusterArn,
        StartedAt = deployment.StartedAt,
        CreatedAt = deployment.CreatedAt,
        FinishedAt = deployment.FinishedAt,
        TargetServiceRevisionArn = deployment.TargetServiceRevision?.Arn,
        Status = deployment.Status,
        StatusReason = deployment.StatusReason,
    };
}
