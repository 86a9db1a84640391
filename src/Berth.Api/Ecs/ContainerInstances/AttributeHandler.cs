using System.Globalization;
using Berth.Api.Protocol;
using Berth.Control.Clusters;
using Berth.Core.ContainerInstances;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.ContainerInstances;

/// <summary>PutAttributes, DeleteAttributes and ListAttributes on container instances (the only target type ECS has).</summary>
internal sealed class AttributeHandler(ClusterState state)
{
    public void Register(JsonService service) => service
        .Add<PutAttributesRequest, PutAttributesResponse>(PutAsync)
        .Add<DeleteAttributesRequest, DeleteAttributesResponse>(DeleteAsync)
        .Add<ListAttributesRequest, ListAttributesResponse>(ListAsync);

    private async Task<PutAttributesResponse> PutAsync(PutAttributesRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var attributes = request.Attributes ?? [];
        Require.Count(attributes, AttributeRules.MaxPerCall, "attributes", "attributes");
        foreach (var attribute in attributes)
        {
            AttributeRules.Validate(attribute);
        }
        await ChangeAsync(context, request.Cluster, attributes, (current, mine) => AttributeRules.Merge(current, mine), cancellationToken).ConfigureAwait(false);
        return new PutAttributesResponse { Attributes = attributes };
    }

    private async Task<DeleteAttributesResponse> DeleteAsync(DeleteAttributesRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var attributes = request.Attributes ?? [];
        Require.Count(attributes, AttributeRules.MaxPerCall, "attributes", "attributes");
        foreach (var attribute in attributes)
        {
            AttributeRules.Validate(attribute);
        }
        await ChangeAsync(context, request.Cluster, attributes, (current, mine) => AttributeRules.Remove(current, mine.Select(a => a.Name!)), cancellationToken).ConfigureAwait(false);
        return new DeleteAttributesResponse { Attributes = attributes };
    }

    /// <summary>Every attribute of every instance in the cluster, filtered by name and value; the token is an offset.</summary>
    private async Task<ListAttributesResponse> ListAsync(ListAttributesRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        Require.That(request.TargetType == AttributeRules.ContainerInstanceTarget, $"targetType must be {AttributeRules.ContainerInstanceTarget}.");
        Require.That(request.AttributeValue is null || request.AttributeName is not null, "attributeValue can only be given together with attributeName.");
        var maxResults = request.MaxResults ?? Paging.DefaultMaxResults;
        Require.That(maxResults is >= 1 and <= Paging.DefaultMaxResults, $"maxResults must be between 1 and {Paging.DefaultMaxResults}.");
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        var instances = await state.CurrentInstancesAsync(cluster.ClusterArn!, cancellationToken).ConfigureAwait(false);
        var all = instances
            .SelectMany(i => (i.Value.Instance.Attributes ?? []).Select(a => a with { TargetId = i.Id, TargetType = AttributeRules.ContainerInstanceTarget }))
            .Where(a => (request.AttributeName is null || a.Name == request.AttributeName) && (request.AttributeValue is null || a.Value == request.AttributeValue))
            .ToList();
        var offset = 0;
        if (request.NextToken is { } token && !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            throw new InvalidParameterException("Invalid nextToken.");
        }
        var page = all.Skip(offset).Take(maxResults).ToList();
        var next = offset + page.Count < all.Count ? (offset + page.Count).ToString(CultureInfo.InvariantCulture) : null;
        return new ListAttributesResponse { Attributes = page, NextToken = next };
    }

    /// <summary>Groups the attributes by target instance and rewrites each instance once.</summary>
    private async Task ChangeAsync(
        RequestContext context, string? clusterName, IReadOnlyList<EcsAttribute> attributes,
        Func<IReadOnlyList<EcsAttribute>?, IReadOnlyList<EcsAttribute>, List<EcsAttribute>> change, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, clusterName, cancellationToken).ConfigureAwait(false);
        foreach (var target in attributes.GroupBy(a => Require.NotBlank(a.TargetId, "attributes.targetId")))
        {
            await state.Store.RetryOnConflictAsync(async ct =>
            {
                var instance = await state.FindInstanceAsync(cluster, target.Key, ct).ConfigureAwait(false)
                    ?? throw new TargetNotFoundException($"Could not find {target.Key}.");
                var next = instance.Value with
                {
                    Instance = instance.Value.Instance with { Attributes = change(instance.Value.Instance.Attributes, [.. target]) },
                };
                await state.Store.CommitAsync([EcsRecords.PutInstance(next, instance.Version)], ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
    }
}
