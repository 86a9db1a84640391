using Berth.Core.Ecs;
using Berth.Core.Identity.Authorization;
using Berth.Store;

namespace Berth.Control.Identity;

/// <summary>
/// The tags of a resource a request is authorized against, for aws:ResourceTag/* (and ECS's ecs:ResourceTag/*)
/// conditions: ECS clusters, services, task definitions, tasks, container instances and capacity providers, and
/// IAM users and roles. One record read per resource, and only for callers whose policies test resource tags.
/// A resource that does not exist (yet) has no tags, so a condition on them fails as on AWS.
/// </summary>
public sealed class ResourceTagLookup(IStateStore store, IamUsers users, IamRoles roles)
{
    public async Task<RequestContext> ContextAsync(string accountId, RequestedResource resource, CancellationToken cancellationToken)
    {
        if (!resource.IsExact)
        {
            return RequestContext.Empty;
        }
        var arn = resource.Arn;
        if (arn.StartsWith("arn:aws:ecs:", StringComparison.Ordinal))
        {
            var tags = resource.Type switch
            {
                "cluster" => (await store.GetAsync(EcsRecords.Clusters, arn, cancellationToken).ConfigureAwait(false))?.Value.Tags,
                "service" => (await store.GetAsync(EcsRecords.Services, arn, cancellationToken).ConfigureAwait(false))?.Value.Service.Tags,
                "task-definition" => (await store.GetAsync(EcsRecords.TaskDefinitions, arn, cancellationToken).ConfigureAwait(false))?.Value.Tags,
                "task" => (await store.GetAsync(EcsRecords.Tasks, arn, cancellationToken).ConfigureAwait(false))?.Value.Tags,
                "container-instance" => (await store.GetAsync(EcsRecords.ContainerInstances, arn, cancellationToken).ConfigureAwait(false))?.Value.Instance.Tags,
                "capacity-provider" => (await store.GetAsync(EcsRecords.CapacityProviders, arn, cancellationToken).ConfigureAwait(false))?.Value.Tags,
                _ => null,
            };
            return tags is null ? RequestContext.Empty : RequestContext.Empty.WithResourceTags(ToMap(tags), "ecs");
        }
        var iamTags = resource.Type switch
        {
            "user" when PrincipalArns.UserName(arn) is { } name => await users.FindAsync(accountId, name, cancellationToken).ConfigureAwait(false) is { } user
                && user.Arn == arn ? user.Tags : null,
            "role" => (await roles.FindByArnAsync(accountId, arn, cancellationToken).ConfigureAwait(false))?.Tags,
            _ => null,
        };
        return iamTags is null ? RequestContext.Empty : RequestContext.Empty.WithResourceTags(iamTags);
    }

    private static Dictionary<string, string> ToMap(IReadOnlyList<Tag> tags) =>
        tags.Where(t => t.Key is not null).GroupBy(t => t.Key!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value ?? "", StringComparer.Ordinal);
}
