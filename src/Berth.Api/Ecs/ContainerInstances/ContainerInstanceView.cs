using Berth.Core.ContainerInstances;
using Berth.Core.Ecs;
using Berth.Core.State;
using Berth.Store;

namespace Berth.Api.Ecs.ContainerInstances;

/// <summary>
/// A container instance as the API shows it: remaining resources, task counts and agentConnected are
/// derived from the claims on it, the claimed tasks' statuses and its agent's last heartbeat when it is read, never stored.
/// </summary>
internal static class ContainerInstanceView
{
    public static ContainerInstance Build(
        Versioned<ContainerInstanceRecord> record, ClaimedTasks claimed, bool agentConnected)
    {
        var instance = record.Value.Instance;
        var registered = ContainerInstanceResources.FromRegistration(instance.RegisteredResources);
        return instance with
        {
            Version = record.Version,
            RemainingResources = ContainerInstanceResources.ToWire(ContainerInstanceResources.Remaining(registered, claimed.Claims)),
            RunningTasksCount = claimed.RunningCount,
            PendingTasksCount = claimed.PendingCount,
            AgentConnected = agentConnected,
        };
    }
}
