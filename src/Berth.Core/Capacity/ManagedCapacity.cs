using Berth.Core.Arns;
using Berth.Core.Ecs;

namespace Berth.Core.Capacity;

/// <summary>
/// The managed pool behind the FARGATE and FARGATE_SPOT capacity providers. On AWS Fargate capacity belongs to
/// AWS, not to a cluster: tasks of every cluster run on it and no container instance of it is ever listed. Berth's
/// pool is a set of ordinary agents that register into a cluster name no user can create (ECS cluster names are
/// letters, digits, hyphens and underscores, so <c>~fargate</c> never collides), and whose instance records live in
/// a scope of their own, outside every cluster: ListContainerInstances, DescribeContainerInstances and the
/// cluster's registeredContainerInstancesCount read cluster scopes only, so they never see the pool.
/// </summary>
public static class ManagedCapacity
{
    /// <summary>The cluster name managed agents register with (their <c>--cluster</c>).</summary>
    public const string PoolClusterName = "~fargate";

    /// <summary>The store scope of every managed instance record, whatever region the agent registered in.</summary>
    public const string PoolScope = "managed-capacity:fargate";

    public const string Fargate = "FARGATE";
    public const string FargateSpot = "FARGATE_SPOT";

    private const string PoolInstanceMarker = ":container-instance/" + PoolClusterName + "/";

    public static bool IsPoolCluster(string? clusterName) => clusterName == PoolClusterName;

    /// <summary>Whether the instance ARN names a managed instance (so a task on it is a Fargate task).</summary>
    public static bool IsManagedInstance(string? containerInstanceArn) =>
        containerInstanceArn?.Contains(PoolInstanceMarker, StringComparison.Ordinal) == true;

    /// <summary>
    /// A task as the API reports it: ECS shows no containerInstanceArn for a Fargate task. Berth keeps the managed
    /// instance in its records (the agent reports against it), and leaves it out of every answer.
    /// </summary>
    public static EcsTask AsReported(EcsTask task) =>
        IsManagedInstance(task.ContainerInstanceArn) ? task with { ContainerInstanceArn = null } : task;

    /// <summary>The pool as a cluster for registration; it is never stored, so no API lists or describes it.</summary>
    public static Cluster PoolCluster(ResourceScope scope) => new()
    {
        ClusterArn = scope.ClusterArn(PoolClusterName),
        ClusterName = PoolClusterName,
        Status = "ACTIVE",
    };

    /// <summary>Where the instance records of a cluster live: the cluster's ARN, or the pool's own scope.</summary>
    public static string InstanceScopeOf(string clusterArn) =>
        clusterArn.EndsWith(":cluster/" + PoolClusterName, StringComparison.Ordinal) ? PoolScope : clusterArn;
}
