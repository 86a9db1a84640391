using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Tasks;

namespace Berth.Core.Capacity;

/// <summary>
/// A FARGATE_SPOT interruption as ECS delivers it (re:Post, "How do I handle Spot termination notices in AWS Fargate
/// Spot tasks?"): the task is marked to stop, its containers get SIGTERM and up to their stopTimeout (at most
/// 120 s: the two-minute notice) before SIGKILL, and it stops with stopCode SpotInterruption and the reason below.
/// A service replaces the task as soon as the notice arrives, within its maximumPercent.
/// </summary>
public static class SpotInterruption
{
    public const string StopCode = "SpotInterruption";
    public const string Reason = "Your Spot Task was interrupted.";

    /// <summary>Only a live task on FARGATE_SPOT capacity can be interrupted.</summary>
    public static void Check(EcsTask? task, string taskArn)
    {
        if (task is null)
        {
            throw new InvalidParameterException($"The referenced task was not found: {taskArn}");
        }
        if (task.CapacityProviderName != ManagedCapacity.FargateSpot)
        {
            throw new InvalidParameterException(
                $"Task {taskArn} does not run on FARGATE_SPOT capacity (capacity provider: {task.CapacityProviderName ?? "none"}); only Spot tasks are interrupted.");
        }
        if (task.DesiredStatus == TaskStatuses.Stopped)
        {
            throw new InvalidParameterException($"Task {taskArn} is already stopping.");
        }
    }
}
