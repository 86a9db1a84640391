using Berth.Core.Logs;

namespace Berth.Agent.Logs;

/// <summary>
/// The CloudWatch Logs operations the agent ships container output through. <paramref name="region"/> selects the
/// region the group lives in (the container's awslogs-region); null means the server's default.
/// Implementations throw <see cref="ControlPlane.ControlPlaneException"/> for an error answer.
/// </summary>
internal interface ILogsClient
{
    Task<bool> GroupExistsAsync(string? region, string group, CancellationToken cancellationToken);

    /// <summary>Creates the group; an existing one is fine.</summary>
    Task CreateGroupAsync(string? region, string group, CancellationToken cancellationToken);

    /// <summary>Creates the stream; an existing one is fine.</summary>
    Task CreateStreamAsync(string? region, string group, string stream, CancellationToken cancellationToken);

    /// <summary>Returns once the server has stored (acknowledged) the events.</summary>
    Task PutAsync(string? region, string group, string stream, IReadOnlyList<InputLogEvent> events, CancellationToken cancellationToken);
}
