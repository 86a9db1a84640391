using Berth.Core.Arns;
using Berth.Core.Capacity;
using Berth.Core.Clusters;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.State;
using Berth.Store;

namespace Berth.Control.Clusters;

/// <summary>
/// Reads shared by the cluster-scoped handlers and the scheduler: an ACTIVE cluster, a container instance named by id or
/// ARN, the claims on an instance, a cluster's instances and their agents' heartbeats, a group's tasks. One per server: the
/// instances, heartbeats and groups' tasks are read through caches that follow this server's commits
/// (<see cref="ChangeFeed"/>) and read only the records that moved since the last read of the same query; other servers'
/// commits reach them within <see cref="ChangeFeed.ListingInterval"/> (<see cref="QueryReadCache{T}"/>).
/// </summary>
public sealed class ClusterState(IStateStore store, ChangeFeed feed, TimeProvider time)
{
    private readonly QueryReadCache<ContainerInstanceRecord> _instances = new(store, feed, EcsRecords.ContainerInstances, time);

    private readonly QueryReadCache<AgentHeartbeatRecord> _heartbeats = new(store, feed, EcsRecords.AgentHeartbeats, time);

    private readonly QueryReadCache<EcsTask> _tasks = new(store, feed, EcsRecords.Tasks, time);

    public IStateStore Store => store;

    /// <summary>This server's commits, as the caches follow them (the placement views follow them too).</summary>
    public ChangeFeed Feed => feed;

    /// <summary>The ACTIVE cluster a request names (by name or ARN, in the request's account and region).</summary>
    public async Task<Cluster> ActiveClusterAsync(ResourceScope scope, string? nameOrArn, CancellationToken cancellationToken)
    {
        var arn = ClusterRules.ArnOf(scope, nameOrArn);
        return await store.GetAsync(EcsRecords.Clusters, arn, cancellationToken).ConfigureAwait(false) is { Value.Status: "ACTIVE" } cluster
            ? cluster.Value
            : throw new ClusterNotFoundException();
    }

    /// <summary>ECS accepts a container instance's full ARN or its id (the last path segment) wherever it asks for one.</summary>
    public static string ContainerInstanceArnOf(Cluster cluster, string idOrArn)
    {
        if (EcsArn.TryParse(idOrArn, out var arn))
        {
            return arn.ResourceType == "container-instance"
                ? arn.ToString()
                : throw new InvalidParameterException($"'{idOrArn}' is not a container instance ARN.");
        }
        return ScopeOf(cluster).ContainerInstanceArn(cluster.ClusterName!, idOrArn);
    }

    /// <summary>A task id or ARN, as ECS accepts wherever it asks for a task; an id is taken to be in the given cluster.</summary>
    public static string TaskArnOf(Cluster cluster, string idOrArn)
    {
        if (EcsArn.TryParse(idOrArn, out var arn))
        {
            return arn.ResourceType == "task" ? arn.ToString() : throw new InvalidParameterException($"'{idOrArn}' is not a task ARN.");
        }
        return ScopeOf(cluster).TaskArn(cluster.ClusterName!, idOrArn);
    }

    /// <summary>The task named by id or ARN when it belongs to the cluster; null when there is no such task there.</summary>
    public async Task<Versioned<EcsTask>?> FindTaskAsync(Cluster cluster, string taskArn, CancellationToken cancellationToken)
    {
        var task = await store.GetAsync(EcsRecords.Tasks, taskArn, cancellationToken).ConfigureAwait(false);
        return task?.Value.ClusterArn == cluster.ClusterArn ? task : null;
    }

    /// <summary>The tasks of <paramref name="taskArns"/> that belong to the cluster, by ARN, read at once.</summary>
    public async Task<IReadOnlyDictionary<string, Versioned<EcsTask>>> FindTasksAsync(Cluster cluster, IReadOnlyCollection<string> taskArns, CancellationToken cancellationToken)
    {
        var tasks = await store.GetManyAsync(EcsRecords.Tasks, taskArns, cancellationToken).ConfigureAwait(false);
        return tasks.Values.Where(t => t.Value.ClusterArn == cluster.ClusterArn).ToDictionary(t => t.Id, StringComparer.Ordinal);
    }

    public async Task<Versioned<ContainerInstanceRecord>?> FindInstanceAsync(Cluster cluster, string idOrArn, CancellationToken cancellationToken)
    {
        var found = await store.GetAsync(EcsRecords.ContainerInstances, ContainerInstanceArnOf(cluster, idOrArn), cancellationToken).ConfigureAwait(false);
        return found?.Value.Instance.ContainerInstanceArn is not null && InCluster(found.Value, cluster) ? found : null;
    }

    /// <summary>
    /// The cluster's instances, other servers' changes seen within <see cref="ChangeFeed.ListingInterval"/>: for the
    /// schedulers, which act again on what they find moved (the values are shared with other readers: never change them).
    /// </summary>
    public Task<IReadOnlyList<Versioned<ContainerInstanceRecord>>> InstancesAsync(string clusterArn, CancellationToken cancellationToken) =>
        _instances.QueryAsync(ManagedCapacity.InstanceScopeOf(clusterArn), cancellationToken);

    /// <summary>
    /// The cluster's instances as the store holds them now, every server's changes included: for API answers and
    /// registration (an agent registering again through another server must find its instance).
    /// </summary>
    public async Task<IReadOnlyList<Versioned<ContainerInstanceRecord>>> CurrentInstancesAsync(string clusterArn, CancellationToken cancellationToken) =>
        (await _instances.ReadCurrentAsync(new RecordQuery(EcsRecords.ContainerInstanceKind, ManagedCapacity.InstanceScopeOf(clusterArn)), cancellationToken)
            .ConfigureAwait(false)).Records;

    /// <summary>The agents' heartbeats of the cluster's instances; read after the instances (HeartbeatQueries.LastSeenTimesAsync).</summary>
    public Task<LastSeenTimes> LastSeenTimesAsync(string clusterArn, CancellationToken cancellationToken) =>
        LastSeenTimesOfScopeAsync(ManagedCapacity.InstanceScopeOf(clusterArn), cancellationToken);

    /// <summary>
    /// The agents' heartbeats of one instance scope (a cluster's, or the Fargate pool's; null: every scope), other
    /// servers' seen within <see cref="ChangeFeed.ListingInterval"/>; nothing is copied when none moved.
    /// </summary>
    public async Task<LastSeenTimes> LastSeenTimesOfScopeAsync(string? instanceScope, CancellationToken cancellationToken) =>
        new((await _heartbeats.ReadAsync(new RecordQuery(EcsRecords.AgentHeartbeats.Kind, instanceScope), cancellationToken).ConfigureAwait(false)).ById);

    /// <summary>
    /// The tasks of a service's or daemon's group in the cluster, of every desired status (TaskQueries.TasksOfGroupAsync),
    /// read through a cache: the schedulers read them every round, and only the tasks that moved are read again.
    /// </summary>
    public Task<IReadOnlyList<EcsTask>> TasksOfGroupAsync(string clusterArn, string group, CancellationToken cancellationToken) =>
        _tasks.TasksOfGroupAsync(clusterArn, group, cancellationToken);

    /// <summary>The managed instances behind FARGATE and FARGATE_SPOT, shared by every cluster of every region.</summary>
    public Task<IReadOnlyList<Versioned<ContainerInstanceRecord>>> ManagedInstancesAsync(CancellationToken cancellationToken) =>
        store.QueryAsync(EcsRecords.ContainerInstances, new RecordQuery(EcsRecords.ContainerInstances.Kind, ManagedCapacity.PoolScope), cancellationToken);

    public Task<IReadOnlyList<Versioned<TaskAssignmentRecord>>> ClaimsAsync(string containerInstanceArn, CancellationToken cancellationToken) =>
        store.QueryAsync(EcsRecords.TaskAssignments, new RecordQuery(EcsRecords.TaskAssignments.Kind, containerInstanceArn), cancellationToken);

    private static ResourceScope ScopeOf(Cluster cluster) =>
        EcsArn.TryParse(cluster.ClusterArn, out var clusterArn) ? clusterArn.Scope : throw new InvalidDataException(cluster.ClusterArn);

    /// <summary>The record's scope is its cluster, so an ARN naming another cluster's instance does not resolve.</summary>
    private static bool InCluster(ContainerInstanceRecord record, Cluster cluster) =>
        record.Instance.ContainerInstanceArn!.Contains($":container-instance/{cluster.ClusterName}/", StringComparison.Ordinal);
}
