using System.Net.WebSockets;
using Berth.Core.Agent;
using Berth.Core.Ecs;

namespace Berth.Agent.ControlPlane;

/// <summary>
/// What the agent needs from the control plane. Desired state comes down through <see cref="PollAsync"/>,
/// known state goes up through <see cref="ReportAllAsync"/>. Implementations throw
/// <see cref="ControlPlaneException"/> for an answer that is not a success, anything else for a transport fault.
/// </summary>
internal interface IControlPlane
{
    /// <summary>ECS RegisterContainerInstance; with <c>containerInstanceArn</c> set it re-registers that instance.</summary>
    Task<RegisterContainerInstanceResponse> RegisterAsync(RegisterContainerInstanceRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Registers the instance as RegisterAsync does and receives its own access key, proving the right to join with
    /// a join token or with the credentials the agent was given (docs/security.md, "Agents").
    /// </summary>
    Task<AgentJoinResponse> JoinAsync(AgentJoinRequest request, CancellationToken cancellationToken);

    /// <summary>Signs every later request with <paramref name="credentials"/> (the instance's own key once joined); null: unsigned.</summary>
    void UseCredentials(AgentCredentials? credentials);

    /// <summary>ECS CreateCluster (idempotent): the agent creates the "default" cluster when it is missing, as the ECS agent does.</summary>
    Task CreateClusterAsync(string clusterName, CancellationToken cancellationToken);

    /// <summary>Long-polls the instance's assignments; doubles as the heartbeat.</summary>
    Task<AgentPollResponse> PollAsync(AgentPollRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Sends several tasks' reports (at most <see cref="AgentTaskReportBatch.MaxReports"/>) in one request; returns once
    /// the server has answered each, in their order (applied, or refused for good).
    /// </summary>
    Task<IReadOnlyList<AgentTaskReportResult>> ReportAllAsync(IReadOnlyList<AgentTaskReport> reports, CancellationToken cancellationToken);

    /// <summary>Joins an ECS Exec session's relay as the agent of its task's instance (docs/agent-protocol.md, "Exec sessions").</summary>
    Task<WebSocket> OpenExecAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Sends resource-use samples; a lost batch only leaves a gap in the metrics, so callers do not retry.</summary>
    Task ReportStatsAsync(AgentStatsReport report, CancellationToken cancellationToken);
}
