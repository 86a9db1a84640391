using Berth.Core.Capacity;
using Berth.Core.State;
using Berth.Store;

namespace Berth.Api.Tasks;

/// <summary>
/// Writes of container instance records that the task paths share. A record's scope is its cluster, or for managed
/// (Fargate) instances the pool's own scope, which no cluster query reads.
/// </summary>
public static class InstanceRecords
{
    public static PutRecord Put(ContainerInstanceRecord record, long expectedVersion)
    {
        var arn = record.Instance.ContainerInstanceArn!;
        return EcsRecords.ContainerInstances.Put(arn, ManagedCapacity.InstanceScopeOf(ClusterArnOf(arn)), record.Identity.InstanceId, record, expectedVersion);
    }

    /// <summary>Tells the instance's agent (through its long-poll) that its assignments changed.</summary>
    public static PutRecord BumpAssignments(Versioned<ContainerInstanceRecord> instance) =>
        Put(instance.Value with { AssignmentsVersion = instance.Value.AssignmentsVersion + 1 }, instance.Version);

    /// <summary><c>…:container-instance/{cluster}/{id}</c> → <c>…:cluster/{cluster}</c>.</summary>
    public static string ClusterArnOf(string instanceArn)
    {
        const string marker = ":container-instance/";
        var at = instanceArn.IndexOf(marker, StringComparison.Ordinal);
        var rest = instanceArn[(at + marker.Length)..];
        return $"{instanceArn[..at]}:cluster/{rest[..rest.IndexOf('/', StringComparison.Ordinal)]}";
    }
}
