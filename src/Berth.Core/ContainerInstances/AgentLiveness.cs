namespace Berth.Core.ContainerInstances;

/// <summary>
/// When an agent counts as connected, and when its tasks count as lost. Every poll is a heartbeat, so
/// "connected" is derived from the last one at read time instead of being written by a timer.
/// </summary>
public sealed record AgentLiveness(TimeSpan DisconnectedAfter, TimeSpan TasksLostAfter)
{
    /// <summary>Agents poll at least every 20 s; three missed polls make an agent disconnected.</summary>
    public static readonly AgentLiveness Default = new(TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(3));

    public bool IsConnected(DateTimeOffset lastHeartbeat, DateTimeOffset now) => now - lastHeartbeat < DisconnectedAfter;

    public bool TasksAreLost(DateTimeOffset lastHeartbeat, DateTimeOffset now) => now - lastHeartbeat >= TasksLostAfter;
}
