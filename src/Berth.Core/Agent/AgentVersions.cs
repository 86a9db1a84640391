using System.Reflection;

namespace Berth.Core.Agent;

/// <summary>Berth's agent ships in the same binary as the server, so both report one version: this build's.</summary>
public static class AgentVersions
{
    /// <summary>The build's informational version without its source-revision suffix (<c>1.0.0</c>).</summary>
    public static string Current { get; } =
        typeof(AgentVersions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
