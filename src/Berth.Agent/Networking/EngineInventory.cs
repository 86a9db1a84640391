using Berth.Agent.Docker;
using Berth.Core.Networking;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Berth.Agent.Networking;

/// <summary>
/// What Berth's containers hold on this engine, read with one container list before every poll: the addresses on
/// Berth's subnet networks (<see cref="SubnetAttachments"/>; address leases skip them) and the tasks that have a
/// container here (the clean-up report names those the server does not know, as only Docker on this host can remove them).
/// </summary>
internal sealed record EngineInventory(IReadOnlyList<AttachedAddress> Addresses, IReadOnlyList<string> TaskArns)
{
    /// <summary>The engine's inventory, or null when Docker could not be asked (the server then keeps the last one).</summary>
    public static async Task<EngineInventory?> ReadAsync(IDockerDriver docker, CancellationToken cancellationToken)
    {
        try
        {
            return From(await docker.ListContainersAsync(new Dictionary<string, string>(), cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
        {
            return null;
        }
    }

    /// <summary>In a stable order, so the server can tell an unchanged inventory from a changed one.</summary>
    public static EngineInventory From(IReadOnlyList<ContainerListResponse> containers) => new(
        SubnetAttachments.From(containers),
        containers.Select(ContainerLabels.TaskArnOf).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());
}
