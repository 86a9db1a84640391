using Berth.Agent.Docker;
using Berth.Core.Agent;
using Berth.Core.Networking;
using Docker.DotNet.Models;

namespace Berth.Agent.Networking;

/// <summary>
/// What really holds addresses on Berth's subnet networks (<see cref="TaskSandbox.NetworkPrefix"/>) of this engine:
/// this agent's tasks, another agent's, leftovers of an earlier Berth, or containers Berth never made. The agent
/// sends it with every poll (<see cref="EngineInventory"/>) so the server's address leases skip what Docker would refuse
/// as "Address already in use".
/// </summary>
internal static class SubnetAttachments
{
    /// <summary>
    /// In a stable order, so the server can tell an unchanged list from a changed one. A pooled pause container
    /// (<see cref="PausePool"/>) has no task label: its task is that of the containers joining it.
    /// </summary>
    public static IReadOnlyList<AttachedAddress> From(IReadOnlyList<ContainerListResponse> containers)
    {
        var joinedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in containers)
        {
            if (TaskSandbox.JoinedContainerOf(c) is { } joined && ContainerLabels.TaskArnOf(c) is { } arn)
            {
                joinedBy[joined] = arn;
            }
        }
        return containers
            .SelectMany(c => (c.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>())
                .Where(n => n.Key.StartsWith(TaskSandbox.NetworkPrefix, StringComparison.Ordinal) && !string.IsNullOrEmpty(n.Value.IPAddress))
                .Select(n => new AttachedAddress(n.Key[TaskSandbox.NetworkPrefix.Length..], n.Value.IPAddress,
                    ContainerLabels.TaskArnOf(c) ?? (c.ID is null ? null : joinedBy.GetValueOrDefault(c.ID)))))
            .OrderBy(a => a.SubnetId, StringComparer.Ordinal)
            .ThenBy(a => a.Address, StringComparer.Ordinal)
            .ThenBy(a => a.TaskArn, StringComparer.Ordinal)
            .ToList();
    }
}
