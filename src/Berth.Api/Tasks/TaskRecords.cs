using Berth.Core.Ecs;
using Berth.Core.State;
using Berth.Store;

namespace Berth.Api.Tasks;

/// <summary>How tasks and their claims are written: scope and sort key always derived the same way.</summary>
public static class TaskRecords
{
    public static PutRecord Put(EcsTask task, long expectedVersion) =>
        EcsRecords.Tasks.Put(task.TaskArn!, task.ClusterArn!, EcsRecords.TaskSortKey(task), task, expectedVersion);

    public static PutRecord PutClaim(TaskAssignmentRecord claim, string containerInstanceArn, long expectedVersion) =>
        EcsRecords.TaskAssignments.Put(claim.TaskArn, containerInstanceArn, claim.TaskArn, claim, expectedVersion);
}
