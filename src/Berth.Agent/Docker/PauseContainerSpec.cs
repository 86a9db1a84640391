using Berth.Agent.Networking;
using Berth.Core.Agent;
using Berth.Core.Networking;
using Docker.DotNet.Models;

namespace Berth.Agent.Docker;

/// <summary>
/// The create call of an awsvpc task's pause container: the task's labels (so adoption and orphan removal
/// find it), its subnet's network, and the address and MAC the server allocated; or that of a pooled one
/// (<see cref="PausePool"/>), which belongs to no task yet and lets Docker pick its address. Pure, so it is unit-tested.
/// </summary>
internal sealed record PauseContainerSpec(string Image, string DockerName, string TaskArn, string Cluster, string AgentNamespace)
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(1);

    public CreateContainerParameters Build(string networkName, TaskNetworkAssignment network) => new()
    {
        Name = DockerName,
        Image = Image,
        Labels = new Dictionary<string, string>
        {
            [DockerLabels.TaskArn] = TaskArn,
            [DockerLabels.ContainerName] = TaskSandbox.ContainerName,
            [DockerLabels.Cluster] = Cluster,
            [DockerLabels.AgentNamespace] = AgentNamespace,
            [TaskSandbox.SubnetLabel] = network.SubnetId,
        },
        StopTimeout = StopTimeout,
        HostConfig = new HostConfig { NetworkMode = networkName },
        NetworkingConfig = new NetworkingConfig
        {
            EndpointsConfig = new Dictionary<string, EndpointSettings>
            {
                [networkName] = new EndpointSettings
                {
                    IPAMConfig = new EndpointIPAMConfig { IPv4Address = network.PrivateIPv4Address },
                    // Engines before API 1.44 ignore an endpoint's MAC at create, but derive the same one from the
                    // address (SubnetAddresses.MacAddressOf), so only the endpoint carries it.
                    MacAddress = network.MacAddress,
                },
            },
        },
    };

    /// <summary>A pooled pause container: this agent's, on the subnet's network at an address Docker picks (<see cref="PausePool.DynamicRangeOf"/>).</summary>
    public static CreateContainerParameters Pooled(string image, string networkName, string subnetId, string cluster, string agentNamespace) => new()
    {
        Image = image,
        Labels = new Dictionary<string, string>
        {
            [DockerLabels.ContainerName] = TaskSandbox.ContainerName,
            [DockerLabels.Cluster] = cluster,
            [DockerLabels.AgentNamespace] = agentNamespace,
            [TaskSandbox.SubnetLabel] = subnetId,
            [PausePool.PoolLabel] = subnetId,
        },
        StopTimeout = StopTimeout,
        HostConfig = new HostConfig { NetworkMode = networkName },
    };
}
