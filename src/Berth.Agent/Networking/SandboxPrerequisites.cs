using System.Collections.Concurrent;
using Berth.Agent.Docker;

namespace Berth.Agent.Networking;

/// <summary>
/// What every awsvpc task's namespace needs before its pause container: the pause image and the subnet's Docker
/// network. Each check is a Docker round trip on the way to every such task's start, and both almost never change,
/// so a success is remembered for the life of the agent process; a failure is not. <see cref="Forget"/> (on any
/// Docker error while preparing a namespace: the image or the network may have been removed behind the agent's
/// back) makes the next task check again.
/// </summary>
internal sealed class SandboxPrerequisites(IDockerDriver docker, TimeSpan pullTimeout)
{
    private readonly ConcurrentDictionary<string, byte> _ready = new(StringComparer.Ordinal);

    /// <summary>Null when the image is on the engine, else the ECS pull error (<see cref="IDockerDriver.EnsureImageAsync"/>).</summary>
    public async Task<string?> EnsureImageAsync(string image, CancellationToken cancellationToken)
    {
        var key = "image " + image;
        if (_ready.ContainsKey(key))
        {
            return null;
        }
        var error = await docker.EnsureImageAsync(image, pullTimeout, cancellationToken).ConfigureAwait(false);
        if (error is null)
        {
            _ready.TryAdd(key, 0);
        }
        return error;
    }

    public async Task EnsureNetworkAsync(string name, string cidr, string gateway, IDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var key = $"network {name} {cidr} {gateway}";
        if (_ready.ContainsKey(key))
        {
            return;
        }
        await docker.EnsureNetworkAsync(name, cidr, gateway, labels, cancellationToken).ConfigureAwait(false);
        _ready.TryAdd(key, 0);
    }

    public void Forget() => _ready.Clear();
}
