using System.Threading.Channels;
using Berth.Agent.Docker;
using Berth.Core.Agent;
using Berth.Core.Networking;
using Docker.DotNet;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Networking;

/// <summary>
/// Pause containers started ahead of need, per subnet network: an awsvpc task takes one and has its leased address
/// attached to it (one endpoint set-up) instead of creating and starting its own, which is a whole container start on
/// the way to every such task (docs/performance.md). A pooled container is started on the subnet's network at an address
/// Docker picks among the subnet's first four, which the server never leases (<see cref="DynamicRangeOf"/>), and then
/// disconnected: while it waits it holds no address. A subnet's pool fills once a task of this agent used the subnet;
/// each container taken is replaced in the background.
/// <para>
/// Pooled containers carry this agent's namespace and <see cref="PoolLabel"/>, never a task's labels (Docker cannot
/// change labels): a taken one is found again through the task containers that join it. At agent start the pooled
/// containers no container joins are removed (<see cref="RemoveUnusedAsync"/>: idle ones a crash left, or one taken
/// just before it); at shutdown the idle ones.
/// </para>
/// </summary>
internal sealed partial class PausePool : IAsyncDisposable
{
    /// <summary>Set on every pooled pause container (value: the subnet id).</summary>
    public const string PoolLabel = "org.berth.pause-pool";

    /// <summary>Ready containers per subnet: a burst of tasks beyond it falls back to creating pause containers.</summary>
    private const int Size = 2;

    private readonly IDockerDriver _docker;
    private readonly string _cluster;
    private readonly string _agentNamespace;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PoolTarget> _targets = new(StringComparer.Ordinal); // network name → what fills it
    private readonly Dictionary<string, Queue<string>> _idle = new(StringComparer.Ordinal);  // network name → ready ids
    private readonly HashSet<string> _owned = new(StringComparer.Ordinal);                   // idle or being made
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _refill;

    public PausePool(IDockerDriver docker, string cluster, string agentNamespace, ILogger<PausePool> logger)
    {
        _docker = docker;
        _cluster = cluster;
        _agentNamespace = agentNamespace;
        _logger = logger;
        _refill = Task.Run(() => RefillAsync(_stopping.Token));
    }

    /// <summary>
    /// Docker's range for addresses it picks itself on a subnet's network (<c>10.0.1.0/30</c> for <c>10.0.1.0/24</c>):
    /// the network address, the gateway and the two the server keeps back (<c>SubnetAddresses</c>), so a pooled container
    /// never takes an address a task may have leased.
    /// </summary>
    public static string DynamicRangeOf(string cidr) =>
        Ipv4Cidr.TryParse(cidr, out var subnet) ? Ipv4Cidr.FormatAddress(subnet.Network) + "/30" : throw new FormatException($"Invalid subnet CIDR '{cidr}'.");

    /// <summary>
    /// A running pause container of this pool attached to <paramref name="networkName"/> at the task's address, or null
    /// when none is ready (the caller creates one; the pool of that network starts filling). A container Docker would
    /// not attach is dropped, and null returned: creating one anew then says why, in the task's own terms.
    /// </summary>
    public async Task<string?> TakeAsync(string networkName, string subnetId, string image, string address, string macAddress, CancellationToken cancellationToken)
    {
        string? id = null;
        lock (_gate)
        {
            _targets.TryAdd(networkName, new PoolTarget(subnetId, image));
            if (_idle.TryGetValue(networkName, out var ready) && ready.TryDequeue(out var taken))
            {
                id = taken;
            }
        }
        _wake.Writer.TryWrite(true);
        if (id is null)
        {
            return null;
        }
        try
        {
            await _docker.ConnectNetworkAsync(networkName, id, address, macAddress, cancellationToken).ConfigureAwait(false);
            return id;
        }
        catch (DockerApiException e)
        {
            LogTakeFailed(_logger, e, id, networkName, DockerDriver.MessageOf(e));
            await _docker.RemoveContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
            return null;
        }
        finally
        {
            // Owned until the task has it (the orphan sweep then finds it through the task).
            lock (_gate)
            {
                _owned.Remove(id);
            }
        }
    }

    /// <summary>Whether the container waits in the pool (or is being made for it): the orphan sweep leaves it alone.</summary>
    public bool Owns(string containerId)
    {
        lock (_gate)
        {
            return _owned.Contains(containerId);
        }
    }

    /// <summary>
    /// Removes this agent's pooled containers that no container joins: run at start, before any task is adopted or
    /// takes one, so each is either idle or was taken by a task whose containers were never created.
    /// </summary>
    public async Task RemoveUnusedAsync(CancellationToken cancellationToken)
    {
        var containers = await _docker.ListContainersAsync(new Dictionary<string, string> { [DockerLabels.AgentNamespace] = _agentNamespace }, cancellationToken)
            .ConfigureAwait(false);
        var joined = containers.Select(c => TaskSandbox.JoinedContainerOf(c)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var pooled in containers.Where(c => c.Labels?.ContainsKey(PoolLabel) == true && !joined.Contains(c.ID)))
        {
            await _docker.RemoveContainerAsync(pooled.ID, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RefillAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                while (Short() is { } network)
                {
                    try
                    {
                        await AddAsync(network.Key, network.Value, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
                    {
                        // Tasks create their own pause containers meanwhile; the next task taken from the pool tries again.
                        LogRefillFailed(_logger, e, network.Key);
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private KeyValuePair<string, PoolTarget>? Short()
    {
        lock (_gate)
        {
            foreach (var target in _targets)
            {
                if (!_idle.TryGetValue(target.Key, out var ready) || ready.Count < Size)
                {
                    return target;
                }
            }
            return null;
        }
    }

    private async Task AddAsync(string networkName, PoolTarget target, CancellationToken cancellationToken)
    {
        var id = await _docker.CreateContainerAsync(PauseContainerSpec.Pooled(target.Image, networkName, target.SubnetId, _cluster, _agentNamespace),
            cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _owned.Add(id);
        }
        try
        {
            await _docker.StartContainerAsync(id, cancellationToken).ConfigureAwait(false);
            await _docker.DisconnectNetworkAsync(networkName, id, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                _owned.Remove(id);
            }
            await _docker.RemoveContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        lock (_gate)
        {
            if (!_idle.TryGetValue(networkName, out var ready))
            {
                _idle[networkName] = ready = new Queue<string>();
            }
            ready.Enqueue(id);
        }
    }

    /// <summary>Stops refilling and removes the idle containers; taken ones belong to their tasks.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _refill.ConfigureAwait(false);
        List<string> idle;
        lock (_gate)
        {
            idle = [.. _owned];
            _owned.Clear();
            _idle.Clear();
        }
        foreach (var id in idle)
        {
            try
            {
                await _docker.RemoveContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
            {
                // The next start of this agent removes it (RemoveUnusedAsync).
                LogRemoveFailed(_logger, e, id);
            }
        }
        _stopping.Dispose();
    }

    private sealed record PoolTarget(string SubnetId, string Image);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not attach pooled pause container {ContainerId} to {Network}: {Reason}; creating one for the task")]
    private static partial void LogTakeFailed(ILogger logger, Exception exception, string containerId, string network, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not add a pause container to the pool of {Network}")]
    private static partial void LogRefillFailed(ILogger logger, Exception exception, string network);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove pooled pause container {ContainerId}")]
    private static partial void LogRemoveFailed(ILogger logger, Exception exception, string containerId);
}
