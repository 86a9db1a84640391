using Berth.Core.Logs;

namespace Berth.Agent.Logs;

/// <summary>
/// The CloudWatch Logs operations the agent ships container output through, each in the region and as the principal
/// <see cref="LogsCaller"/> says. Implementations throw <see cref="ControlPlane.ControlPlaneException"/> for an error answer.
/// </summary>
internal interface ILogsClient
{
    Task<bool> GroupExistsAsync(LogsCaller caller, string group, CancellationToken cancellationToken);

    /// <summary>Creates the group; an existing one is fine.</summary>
    Task CreateGroupAsync(LogsCaller caller, string group, CancellationToken cancellationToken);

    /// <summary>Creates the stream; an existing one is fine.</summary>
    Task CreateStreamAsync(LogsCaller caller, string group, string stream, CancellationToken cancellationToken);

    /// <summary>Returns once the server has stored (acknowledged) the events.</summary>
    Task PutAsync(LogsCaller caller, string group, string stream, IReadOnlyList<InputLogEvent> events, CancellationToken cancellationToken);
}
