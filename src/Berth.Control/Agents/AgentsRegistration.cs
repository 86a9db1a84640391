using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.Agents;

internal static class AgentsRegistration
{
    /// <summary>The wake-ups of agent long-polls (one per process, shared by every writer of assignments) and the newest instance versions the polls answer from, agents' heartbeats (written together), agents' identities, join tokens and ECS Exec sessions.</summary>
    public static IServiceCollection AddAgents(this IServiceCollection services) => services
        .AddSingleton<AssignmentSignals>()
        .AddSingleton<InstanceVersions>()
        .AddSingleton<HeartbeatWriter>()
        .AddSingleton<AgentIdentities>()
        .AddSingleton<AgentJoinTokens>()
        .AddSingleton<ExecSessions>();
}
