using Berth.Agent.Networking;
using Berth.Core.Agent;
using Berth.Core.Networking;
using Docker.DotNet;

namespace Berth.Agent.Tests.Support;

/// <summary>
/// A subnet of its own for one test (a random 10.x.y.0/24 and a unique id), handing out awsvpc assignments in
/// it; disposing it removes the subnet's Docker network and the agent's security group chain.
/// </summary>
public sealed class TestSubnet(string agentNamespace) : IAsyncDisposable
{
    private readonly string _id = "subnet-test-" + Guid.NewGuid().ToString("N")[..10];
    private readonly Ipv4Cidr _cidr = new((10u << 24) | ((uint)Random.Shared.Next(210, 250) << 16) | ((uint)Random.Shared.Next(0, 256) << 8), 24);
    private uint _next = 4;

    public string NetworkName => "berth-" + _id;

    /// <summary>An awsvpc copy of <paramref name="assignment"/> at the subnet's next address, carrying <paramref name="groups"/>.</summary>
    public TaskAssignment Attach(TaskAssignment assignment, params SecurityGroup[] groups)
    {
        var address = _cidr.Network + _next++;
        return assignment with
        {
            TaskDefinition = assignment.TaskDefinition with { NetworkMode = AwsvpcRules.NetworkMode },
            Network = new TaskNetworkAssignment
            {
                SubnetId = _id,
                CidrBlock = _cidr.ToString(),
                PrivateIPv4Address = Ipv4Cidr.FormatAddress(address),
                MacAddress = SubnetAddresses.MacAddressOf(address),
                SecurityGroups = groups,
            },
        };
    }

    public static SecurityGroup Group(string id, params IpPermission[] permissions) =>
        new() { GroupId = id, GroupName = id, VpcId = "vpc-test", IpPermissions = permissions };

    public static IpPermission Tcp(int port, string? fromGroup = null, string? fromCidr = null) => new()
    {
        IpProtocol = "tcp",
        FromPort = port,
        ToPort = port,
        SourceGroupIds = fromGroup is null ? [] : [fromGroup],
        CidrIps = fromCidr is null ? [] : [fromCidr],
    };

    /// <summary>The rules of the agent's chain, as <c>iptables -S</c> prints them.</summary>
    public string ChainRules() => HostCommand.Run("iptables", "-S", IptablesScript.ChainOf(agentNamespace)).Output;

    /// <summary>Empties the agent's chain, as if the host lost its rules while the agent was down.</summary>
    public void FlushChain() => HostCommand.Run("iptables", "-F", IptablesScript.ChainOf(agentNamespace));

    public async ValueTask DisposeAsync()
    {
        // Disposed before the harness (declared after it): the network can only go once its containers have. The agent
        // still runs, and a pause container it was adding to its pool may appear after the first removal: try again.
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await DockerEnvironment.RemoveNamespaceAsync(agentNamespace);
            try
            {
                await DockerEnvironment.Client.Networks.DeleteNetworkAsync(NetworkName);
                break;
            }
            catch (DockerNetworkNotFoundException)
            {
                break;
            }
            catch (DockerApiException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt));
            }
        }
        var chain = IptablesScript.ChainOf(agentNamespace);
        HostCommand.Run("iptables", "-D", "DOCKER-USER", "-j", chain);
        HostCommand.Run("iptables", "-F", chain);
        HostCommand.Run("iptables", "-X", chain);
    }
}
