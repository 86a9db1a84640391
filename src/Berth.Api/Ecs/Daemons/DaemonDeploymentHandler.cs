using Berth.Api.Protocol;
using Berth.Control.Clusters;
using Berth.Core.Arns;
using Berth.Core.Daemons;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.Daemons;

/// <summary>
/// ListDaemonDeployments, DescribeDaemonDeployments and DescribeDaemonRevisions over the records CreateDaemon,
/// UpdateDaemon and DeleteDaemon write and the daemon scheduler keeps up to date.
/// </summary>
internal sealed class DaemonDeploymentHandler(ClusterState state)
{
    /// <summary>ListDaemonDeployments pages as ListServiceDeployments does: 20 by default, at most 100.</summary>
    private const int DefaultListPage = 20;

    private IStateStore Store => state.Store;

    public void Register(JsonService service) => service
        .Add<ListDaemonDeploymentsRequest, ListDaemonDeploymentsResponse>(ListAsync)
        .Add<DescribeDaemonDeploymentsRequest, DescribeDaemonDeploymentsResponse>(DescribeDeploymentsAsync)
        .Add<DescribeDaemonRevisionsRequest, DescribeDaemonRevisionsResponse>(DescribeRevisionsAsync);

    /// <summary>
    /// Newest first; status and createdAt (before/after, inclusive) narrow the list. The model lists no
    /// DaemonNotFoundException for this call, so a daemon Berth has no record of (never created, or deleted) has no
    /// deployments; its cluster must exist (ClusterNotFoundException).
    /// </summary>
    private async Task<ListDaemonDeploymentsResponse> ListAsync(ListDaemonDeploymentsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var arn = Require.NotBlank(request.DaemonArn, "daemonArn");
        if (!DaemonArns.TryParseDaemon(arn, out var scope, out var clusterName, out _))
        {
            throw new InvalidParameterException($"Invalid daemon ARN: '{arn}'.");
        }
        foreach (var status in request.Status ?? [])
        {
            Require.OneOf(status, EcsEnums.DaemonDeploymentStatus, "status");
        }
        if (scope != context.Scope)
        {
            throw new ClusterNotFoundException();
        }
        _ = await state.ActiveClusterAsync(context.Scope, clusterName, cancellationToken).ConfigureAwait(false);
        var statuses = request.Status is { Count: > 0 } wanted ? wanted.ToHashSet(StringComparer.Ordinal) : null;
        var (after, before) = (request.CreatedAt?.After, request.CreatedAt?.Before);
        var page = await Paging.ReadAsync(Store, DaemonRecords.Deployments,
            new RecordQuery(DaemonRecords.Deployments.Kind, arn) { Descending = true },
            d => (statuses is null || statuses.Contains(d.Deployment.Status!))
                && (after is null || d.Deployment.CreatedAt >= after)
                && (before is null || d.Deployment.CreatedAt <= before),
            request.MaxResults ?? DefaultListPage, request.NextToken, cancellationToken).ConfigureAwait(false);
        return new ListDaemonDeploymentsResponse
        {
            DaemonDeployments = [.. page.Items.Select(r => DaemonViews.Summary(r.Value))],
            NextToken = page.NextToken,
        };
    }

    private async Task<DescribeDaemonDeploymentsResponse> DescribeDeploymentsAsync(
        DescribeDaemonDeploymentsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var (found, failures) = await DescribeAsync(DaemonRecords.Deployments, request.DaemonDeploymentArns, "daemonDeploymentArns", context, cancellationToken)
            .ConfigureAwait(false);
        return new DescribeDaemonDeploymentsResponse { DaemonDeployments = [.. found.Select(d => d.Deployment)], Failures = failures };
    }

    private async Task<DescribeDaemonRevisionsResponse> DescribeRevisionsAsync(
        DescribeDaemonRevisionsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var (found, failures) = await DescribeAsync(DaemonRecords.Revisions, request.DaemonRevisionArns, "daemonRevisionArns", context, cancellationToken)
            .ConfigureAwait(false);
        return new DescribeDaemonRevisionsResponse { DaemonRevisions = [.. found.Select(r => r.Revision)], Failures = failures };
    }

    /// <summary>
    /// Up to 20 ARNs; one Berth has no record of — not a daemon revision or deployment ARN of the caller's account and
    /// region, or of a deleted daemon — is a failure with reason MISSING, as the service deployment calls report one.
    /// </summary>
    private async Task<(List<T> Found, List<Failure> Failures)> DescribeAsync<T>(
        RecordType<T> type, IReadOnlyList<string>? arns, string member, RequestContext context, CancellationToken cancellationToken)
    {
        var requested = arns ?? [];
        if (requested.Count == 0)
        {
            throw new InvalidParameterException($"{member} must contain at least one ARN.");
        }
        Require.Count(requested, DaemonRules.MaxDescribe, member, "ARNs");
        var found = new List<T>();
        var failures = new List<Failure>();
        foreach (var arn in requested)
        {
            var record = DaemonArns.DaemonOf(arn) is { } daemon && EcsArn.TryParse(daemon, out var parsed) && parsed.Scope == context.Scope
                ? await Store.GetAsync(type, arn, cancellationToken).ConfigureAwait(false)
                : null;
            if (record is not null)
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
}
