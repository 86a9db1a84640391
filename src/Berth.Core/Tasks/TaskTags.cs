using Berth.Core.Ecs;

namespace Berth.Core.Tasks;

/// <summary>
/// The tags a new task gets: the caller's own, then the propagated ones (task definition or service tags, without
/// overriding a key the caller set), then ECS managed tags under the reserved <c>aws:</c> prefix (ECS developer
/// guide, "Tagging your resources": aws:ecs:clusterName, and aws:ecs:serviceName for service tasks).
/// </summary>
public static class TaskTags
{
    public sealed record Sources(IReadOnlyList<Tag> DefinitionTags, IReadOnlyList<Tag> ServiceTags, string ClusterName, string? ServiceName);

    public static IReadOnlyList<Tag> For(IReadOnlyList<Tag>? own, string? propagateTags, bool managed, Sources sources)
    {
        var tags = new List<Tag>(own ?? []);
        var propagated = propagateTags switch
        {
            "TASK_DEFINITION" => sources.DefinitionTags,
            "SERVICE" => sources.ServiceTags,
            _ => [],
        };
        tags.AddRange(propagated.Where(t => tags.All(a => a.Key != t.Key)));
        if (managed)
        {
            tags.Add(new Tag { Key = "aws:ecs:clusterName", Value = sources.ClusterName });
            if (sources.ServiceName is not null)
            {
                tags.Add(new Tag { Key = "aws:ecs:serviceName", Value = sources.ServiceName });
            }
        }
        return tags;
    }
}
