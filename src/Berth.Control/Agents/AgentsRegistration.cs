using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.Agents;

internal static class AgentsRegistration
{
    /// <summary>The wake-ups of agent long-polls; one per process, shared by every writer of assignments.</summary>
    public static IServiceCollection AddAgentSignals(this IServiceCollection services) => services.AddSingleton<AssignmentSignals>();
}
