using Berth.Core.Ecs;
using Berth.Core.Tasks;
using KeyValuePair = System.Collections.Generic.KeyValuePair;

namespace Berth.Core.Metrics;

/// <summary>What one cluster holds at one moment: all that its Container Insights counts are computed from.</summary>
public sealed record ClusterCountSnapshot(
    Cluster Cluster, IReadOnlyList<Service> Services, IReadOnlyList<EcsTask> Tasks, IReadOnlyList<ContainerInstance> Instances);

/// <summary>
/// The task and service counts CloudWatch Container Insights publishes for ECS in the <c>ECS/ContainerInsights</c>
/// namespace, once a minute, for clusters whose <c>containerInsights</c> setting is enabled (or enhanced)
/// (CloudWatch user guide, "Amazon ECS Container Insights metrics"):
/// <list type="bullet">
/// <item>ClusterName: ContainerInstanceCount (registered: ACTIVE or DRAINING), ServiceCount (ACTIVE services),
/// TaskCount (tasks RUNNING in the cluster).</item>
/// <item>ClusterName, ServiceName, for every ACTIVE or DRAINING service: DesiredTaskCount, RunningTaskCount,
/// PendingTaskCount (the statuses before RUNNING, as ECS's pendingCount), DeploymentCount and TaskSetCount
/// (always 0 here: Berth has only the ECS deployment controller, which uses no task sets).</item>
/// </list>
/// A task belongs to the service named by its group (<see cref="TaskGroups"/>). Pure: the caller reads the snapshot.
/// </summary>
public static class ContainerInsights
{
    public const string Namespace = "ECS/ContainerInsights";
    public const string SettingName = "containerInsights";

    /// <summary>"enhanced" is a superset of "enabled": it publishes these metrics too.</summary>
    public static bool IsEnabled(Cluster cluster) =>
        cluster.Status == "ACTIVE" && cluster.Settings?.LastOrDefault(s => s.Name == SettingName)?.Value is "enabled" or "enhanced";

    public static IReadOnlyList<ScopedPoint> Count(ClusterCountSnapshot snapshot, DateTimeOffset minute)
    {
        var cluster = snapshot.Cluster;
        var scope = MetricScopes.OfArn(cluster.ClusterArn!);
        var points = new List<ScopedPoint>();
        void Add(string name, IReadOnlyList<KeyValuePair<string, string>> dimensions, int value) =>
            points.Add(new ScopedPoint(scope, new MetricPoint(new MetricSeries(Namespace, name, dimensions), minute, Rollup.Of(value), "Count")));

        var live = snapshot.Tasks.Where(t => t.LastStatus is { } status && status != TaskStatuses.Stopped).ToList();
        var clusterDimensions = new[] { KeyValuePair.Create("ClusterName", cluster.ClusterName!) };
        Add("ContainerInstanceCount", clusterDimensions, snapshot.Instances.Count(i => i.Status is "ACTIVE" or "DRAINING"));
        Add("ServiceCount", clusterDimensions, snapshot.Services.Count(s => s.Status == "ACTIVE"));
        Add("TaskCount", clusterDimensions, live.Count(t => t.LastStatus == TaskStatuses.Running));

        var byService = live.Where(t => TaskGroups.ServiceNameOf(t.Group) is not null)
            .ToLookup(t => TaskGroups.ServiceNameOf(t.Group)!, StringComparer.Ordinal);
        foreach (var service in snapshot.Services.Where(s => s.Status is "ACTIVE" or "DRAINING").OrderBy(s => s.ServiceName, StringComparer.Ordinal))
        {
            var tasks = byService[service.ServiceName!].ToList();
            // Sorted by name, as MetricSeries requires.
            var dimensions = new[] { KeyValuePair.Create("ClusterName", cluster.ClusterName!), KeyValuePair.Create("ServiceName", service.ServiceName!) };
            Add("DesiredTaskCount", dimensions, service.DesiredCount ?? 0);
            Add("RunningTaskCount", dimensions, tasks.Count(t => t.LastStatus == TaskStatuses.Running));
            Add("PendingTaskCount", dimensions, tasks.Count(t => TaskStatuses.IsPending(t.LastStatus!)));
            Add("DeploymentCount", dimensions, service.Deployments?.Count ?? 0);
            Add("TaskSetCount", dimensions, service.TaskSets?.Count ?? 0);
        }
        return points;
    }
}
