using Berth.Agent.Networking;
using Berth.Core.Agent;
using Berth.Core.Networking;
using Docker.DotNet.Models;

namespace Berth.Agent.Docker;

/// <summary>
/// The create call of an awsvpc task's pause container: the task's labels (so adoption and orphan removal
/// find it), its subnet's network, and the address and MAC the server allocated. Pure, so it is unit-tested.
/// </summary>
internal sealed record PauseContainerSpec(string Image, string DockerName, string TaskArn, string Cluster, string AgentNamespace)
{
    public CreateContainerParameters Build(string networkName, TaskNetworkAssignment network) => new()
    {
        Name = DockerName,
        Image = Image,
        MacAddress = network.MacAddress,
        Labels = new Dictionary<string, string>
        {
            [DockerLabels.TaskArn] = TaskArn,
            [DockerLabels.ContainerName] = TaskSandbox.ContainerName,
            [DockerLabels.Cluster] = Cluster,
            [DockerLabels.AgentNamespace] = AgentNamespace,
            [TaskSandbox.SubnetLabel] = network.SubnetId,
        },
        StopTimeout = TimeSpan.FromSeconds(1),
        HostConfig = new HostConfig { NetworkMode = networkName },
        NetworkingConfig = new NetworkingConfig
        {
            EndpointsConfig = new Dictionary<string, EndpointSettings>
            {
                [networkName] = new EndpointSettings
                {
                    IPAMConfig = new EndpointIPAMConfig { IPv4Address = network.PrivateIPv4Address },
                    MacAddress = network.MacAddress,
                },
            },
        },
    };
}
