using System.Collections.Concurrent;
using Berth.Agent.ControlPlane;
using Berth.Agent.Docker;
using Berth.Agent.Logs;
using Berth.Agent.Networking;
using Berth.Agent.State;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Tasks;

/// <summary>The services every task manager shares: one per running agent.</summary>
internal sealed class AgentRuntime
{
    public required AgentOptions Options { get; init; }
    public required IDockerDriver Docker { get; init; }
    public required ReportQueue Reports { get; init; }
    public required StateStore State { get; init; }
    public required LogCollector Logs { get; init; }
    public required TimeProvider Time { get; init; }
    public required ILoggerFactory LoggerFactory { get; init; }
    public required string Cluster { get; init; }
    public required string AgentNamespace { get; init; }

    /// <summary>iptables rules for the security groups of this instance's awsvpc tasks.</summary>
    public required SecurityGroupEnforcer SecurityGroups { get; init; }

    /// <summary>The pause image and subnet networks found ready, shared by every awsvpc task of this agent.</summary>
    public required SandboxPrerequisites SandboxPrerequisites { get; init; }

    /// <summary>Pause containers started ahead of awsvpc tasks, per subnet.</summary>
    public required PausePool PausePool { get; init; }

    /// <summary>"http://172.17.0.1:51679" when the metadata endpoint runs; containers get URIs below it.</summary>
    public string? MetadataBaseUri { get; set; }

    /// <summary>Metadata token → the task manager that owns the container.</summary>
    public ConcurrentDictionary<string, TaskManager> MetadataTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Routes tasks' requests for 169.254.170.2 to the credentials endpoint, once that endpoint listens; null: no bridge
    /// or awsvpc task gets role credentials.
    /// </summary>
    public CredentialsRouting? CredentialsRouting { get; set; }

    /// <summary>"http://127.0.0.1:41234": the metadata endpoint on loopback, where host-mode tasks read their role credentials; null when it does not run.</summary>
    public string? CredentialsLoopbackUri { get; set; }

    /// <summary>Credentials id → the task manager of the task it belongs to.</summary>
    public ConcurrentDictionary<string, TaskManager> CredentialsIds { get; } = new(StringComparer.Ordinal);
}
