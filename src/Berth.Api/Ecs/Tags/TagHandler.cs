using Berth.Api.Protocol;
using Berth.Core.Arns;
using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.Tags;

/// <summary>TagResource, UntagResource and ListTagsForResource, for every ECS resource that keeps tags.</summary>
internal sealed class TagHandler(IStateStore store)
{
    public void Register(JsonService service) => service
        .Add<TagResourceRequest, TagResourceResponse>(TagAsync)
        .Add<UntagResourceRequest, UntagResourceResponse>(UntagAsync)
        .Add<ListTagsForResourceRequest, ListTagsForResourceResponse>(ListAsync);

    private async Task<TagResourceResponse> TagAsync(TagResourceRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        Require.That(request.Tags is { Count: > 0 }, "tags must contain at least one tag.");
        await ChangeAsync(request.ResourceArn, tags => TagRules.Merge(tags, request.Tags), cancellationToken).ConfigureAwait(false);
        return new TagResourceResponse();
    }

    private async Task<UntagResourceResponse> UntagAsync(UntagResourceRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var keys = request.TagKeys ?? [];
        Require.That(keys.Count > 0, "tagKeys must contain at least one key.");
        await ChangeAsync(request.ResourceArn, tags => TagRules.Remove(tags, keys.ToHashSet(StringComparer.Ordinal)), cancellationToken).ConfigureAwait(false);
        return new UntagResourceResponse();
    }

    /// <remarks>
    /// ListTagsForResource's model lists no not-found error but ClusterNotFoundException, unlike TagResource and
    /// UntagResource: any other missing resource is answered as the InvalidParameterException it lists, with the same message.
    /// </remarks>
    private async Task<ListTagsForResourceResponse> ListAsync(ListTagsForResourceRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var arn = Parse(request.ResourceArn);
        try
        {
            var tags = arn.ResourceType switch
            {
                "cluster" => (await GetClusterAsync(arn, cancellationToken).ConfigureAwait(false)).Value.Tags,
                "task-definition" => (await GetTaskDefinitionAsync(arn, cancellationToken).ConfigureAwait(false)).Value.Tags,
                "service" => (await GetServiceAsync(arn, cancellationToken).ConfigureAwait(false)).Value.Service.Tags,
                "task-set" => (await GetTaskSetAsync(arn, cancellationToken).ConfigureAwait(false)).TaskSet.Tags,
                "capacity-provider" => (await GetCapacityProviderAsync(arn, cancellationToken).ConfigureAwait(false)).Value.Tags,
                "task" => (await GetTaskAsync(arn, cancellationToken).ConfigureAwait(false)).Value.Tags,
                "container-instance" => (await GetContainerInstanceAsync(arn, cancellationToken).ConfigureAwait(false)).Value.Instance.Tags,
                _ => throw NotTaggable(arn),
            };
            return new ListTagsForResourceResponse { Tags = tags ?? [] };
        }
        catch (AwsServiceException e) when (e is ResourceNotFoundException or ServiceNotFoundException)
        {
            throw new InvalidParameterException(e.Message);
        }
    }

    private Task ChangeAsync(string? resourceArn, Func<IReadOnlyList<Tag>?, IReadOnlyList<Tag>> change, CancellationToken cancellationToken)
    {
        var arn = Parse(resourceArn);
        return store.RetryOnConflictAsync<bool>(async ct =>
        {
            PutRecord write = arn.ResourceType switch
            {
                "cluster" => await ChangeClusterAsync(arn, change, ct).ConfigureAwait(false),
                "task-definition" => await ChangeTaskDefinitionAsync(arn, change, ct).ConfigureAwait(false),
                "service" => await ChangeServiceAsync(arn, change, ct).ConfigureAwait(false),
                "task-set" => await ChangeTaskSetAsync(arn, change, ct).ConfigureAwait(false),
                "capacity-provider" => await ChangeCapacityProviderAsync(arn, change, ct).ConfigureAwait(false),
                "task" => await ChangeTaskAsync(arn, change, ct).ConfigureAwait(false),
                "container-instance" => await ChangeContainerInstanceAsync(arn, change, ct).ConfigureAwait(false),
                _ => throw NotTaggable(arn),
            };
            await store.CommitAsync([write], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    private async Task<PutRecord> ChangeClusterAsync(EcsArn arn, Func<IReadOnlyList<Tag>?, IReadOnlyList<Tag>> change, CancellationToken cancellationToken)
    {
        var cluster = await GetClusterAsync(arn, cancellationToken).ConfigureAwait(false);
        var changed = cluster.Value with { Tags = change(cluster.Value.Tags) };
        return EcsRecords.PutCluster(changed, cluster.Version);
    }

    private async Task<PutRecord> ChangeTaskDefinitionAsync(EcsArn arn, Func<IReadOnlyList<Tag>?, IReadOnlyList<Tag>> change, CancellationToken cancellationToken)
    {
        var definition = await GetTaskDefinitionAsync(arn, cancellationToken).ConfigureAwait(false);
        var changed = definition.Value with { Tags = change(definition.Value.Tags) };
        return EcsRecords.PutTaskDefinition(changed, definition.Version);
    }

    private async Task<PutRecord> ChangeServiceAsync(EcsArn arn, Func<IReadOnlyList<Tag>?, IReadOnlyList<Tag>> change, CancellationToken cancellationToken)
    {
        var record = await GetServiceAsync(arn, cancellationToken).ConfigureAwait(false);
        var changed = record.Value with { Service = record.Value.Service with { Tags = change(record.Value.Service.Tags) } };
        return EcsRecords.PutService(changed, record.Version);
    }

    /// <remarks>A task set lives in its service's record, so its tags change with one guarded write of the service.</remarks>
    private async Task<PutRecord> ChangeTaskSetAsync(EcsArn arn, Func<IReadOnlyList<Tag>?, IReadOnlyList<Tag>> change, CancellationToken cancellationToken)
    {
        var (record, taskSet) = await GetTaskSetAsync(arn, cancellationToken).ConfigureAwait(false);
        var changed = record.Value with { Service = TaskSetRules.Retagged(record.Value.Service, taskSet, change) };
        return EcsRecords.PutService(changed, record.Version);
    }

    private async Task<PutRecord> ChangeCapacityProviderAsync(EcsArn arn, Func<IReadOnlyList<Tag>?, IReadOnlyList<Tag>> change, CancellationToken cancellationToken)
    {
        var provider = await GetCapacityProviderAsync(arn, cancellationToken).ConfigureAwait(false);
        return EcsRecords.PutCapacityProvider(provider.Value with { Tags = change(provider.Value.Tags) }, provider.Version);
    }

    /// <remarks>The agent's reports write the same record; a report that lands first makes this write conflict and retry.</remarks>
    private async Task<PutRecord> ChangeTaskAsync(EcsArn arn, Func<IReadOnlyList<Tag>?, IReadOnlyList<Tag>> change, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(arn, cancellationToken).ConfigureAwait(false);
        return EcsRecords.PutTask(task.Value with { Tags = change(task.Value.Tags) }, task.Version);
    }

    /// <remarks>The agent's heartbeats and re-registrations write the same record, so this write is guarded like theirs.</remarks>
    private async Task<PutRecord> ChangeContainerInstanceAsync(EcsArn arn, Func<IReadOnlyList<Tag>?, IReadOnlyList<Tag>> change, CancellationToken cancellationToken)
    {
        var record = await GetContainerInstanceAsync(arn, cancellationToken).ConfigureAwait(false);
        var changed = record.Value with { Instance = record.Value.Instance with { Tags = change(record.Value.Instance.Tags) } };
        return EcsRecords.PutInstance(changed, record.Version);
    }

    private async Task<Versioned<Cluster>> GetClusterAsync(EcsArn arn, CancellationToken cancellationToken) =>
        await store.GetAsync(EcsRecords.Clusters, arn.ToString(), cancellationToken).ConfigureAwait(false) is { Value.Status: "ACTIVE" } cluster
            ? cluster
            : throw new ClusterNotFoundException("The specified cluster could not be found.");

    private async Task<Versioned<Core.State.TaskDefinitionRecord>> GetTaskDefinitionAsync(EcsArn arn, CancellationToken cancellationToken) =>
        await store.GetAsync(EcsRecords.TaskDefinitions, arn.ToString(), cancellationToken).ConfigureAwait(false)
            ?? throw new ResourceNotFoundException("The specified task definition could not be found.");

    private async Task<Versioned<Core.State.ServiceRecord>> GetServiceAsync(EcsArn arn, CancellationToken cancellationToken) =>
        await store.GetAsync(EcsRecords.Services, arn.ToString(), cancellationToken).ConfigureAwait(false) is { } service
            && service.Value.Service.Status != ServiceStatuses.Inactive
            ? service
            : throw new ServiceNotFoundException("The specified service could not be found.");

    private async Task<(Versioned<Core.State.ServiceRecord> Service, TaskSet TaskSet)> GetTaskSetAsync(EcsArn arn, CancellationToken cancellationToken) =>
        TaskSetRules.ServiceArnOf(arn) is { } serviceArn
            && await store.GetAsync(EcsRecords.Services, serviceArn, cancellationToken).ConfigureAwait(false) is { } service
            && service.Value.Service.Status != ServiceStatuses.Inactive
            && TaskSetRules.Find(service.Value.Service, arn.ToString()) is { } taskSet
            ? (service, taskSet)
            : throw new ResourceNotFoundException("The specified task set could not be found.");

    /// <summary>Only the account's own providers keep tags; FARGATE and FARGATE_SPOT are never stored.</summary>
    private async Task<Versioned<CapacityProvider>> GetCapacityProviderAsync(EcsArn arn, CancellationToken cancellationToken) =>
        await store.GetAsync(EcsRecords.CapacityProviders, arn.ToString(), cancellationToken).ConfigureAwait(false) is { } provider
            && provider.Value.Status == Core.Capacity.CapacityProviderRules.Active
            ? provider
            : throw new ResourceNotFoundException("The specified capacity provider could not be found.");

    private async Task<Versioned<EcsTask>> GetTaskAsync(EcsArn arn, CancellationToken cancellationToken) =>
        await store.GetAsync(EcsRecords.Tasks, arn.ToString(), cancellationToken).ConfigureAwait(false)
            ?? throw new ResourceNotFoundException("The specified task could not be found.");

    /// <summary>The managed instances behind FARGATE are AWS's on ECS, never shown, so they are not the account's to tag.</summary>
    private async Task<Versioned<Core.State.ContainerInstanceRecord>> GetContainerInstanceAsync(EcsArn arn, CancellationToken cancellationToken) =>
        !ManagedCapacity.IsManagedInstance(arn.ToString())
            && await store.GetAsync(EcsRecords.ContainerInstances, arn.ToString(), cancellationToken).ConfigureAwait(false) is { Value.Instance.ContainerInstanceArn: not null } instance
            ? instance
            : throw new ResourceNotFoundException("The specified container instance could not be found.");

    private static EcsArn Parse(string? resourceArn) =>
        EcsArn.TryParse(resourceArn, out var arn)
            ? arn
            : throw new InvalidParameterException($"The ARN '{resourceArn}' is not a valid ECS resource ARN.");

    private static ResourceNotFoundException NotTaggable(EcsArn arn) =>
        new($"The specified resource could not be found: no {arn.ResourceType} '{arn}' exists.");
}
