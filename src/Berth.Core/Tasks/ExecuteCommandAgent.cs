using Berth.Core.Ecs;

namespace Berth.Core.Tasks;

/// <summary>
/// The <c>managedAgents</c> entry ECS shows on each container of a task started with <c>enableExecuteCommand</c>: the
/// ExecuteCommandAgent is PENDING until its container runs, RUNNING while it does, STOPPED after. On Berth the "agent" is
/// the instance's own Berth agent, which runs the command with <c>docker exec</c>, so its status follows the container's.
/// </summary>
public static class ExecuteCommandAgent
{
    public const string Name = "ExecuteCommandAgent";

    public static IReadOnlyList<ManagedAgent> Pending { get; } = [new ManagedAgent { Name = Name, LastStatus = TaskStatuses.Pending }];

    /// <summary>The container's managed agents once its status is <paramref name="containerStatus"/>; unchanged when it has none.</summary>
    public static IReadOnlyList<ManagedAgent>? Follow(IReadOnlyList<ManagedAgent>? agents, string? containerStatus, DateTimeOffset now) =>
        agents?.Select(a => a.Name != Name || a.LastStatus == containerStatus || containerStatus is not (TaskStatuses.Running or TaskStatuses.Stopped)
                ? a
                : a with { LastStatus = containerStatus, LastStartedAt = containerStatus == TaskStatuses.Running ? now : a.LastStartedAt })
            .ToList();

    /// <summary>Whether ExecuteCommand may reach <paramref name="container"/>: its ExecuteCommandAgent is RUNNING.</summary>
    public static bool IsRunning(Container container) =>
        container.ManagedAgents?.Any(a => a.Name == Name && a.LastStatus == TaskStatuses.Running) == true;
}
