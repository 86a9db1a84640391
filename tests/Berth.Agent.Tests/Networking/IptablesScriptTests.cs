using Berth.Agent.Docker;
using Berth.Agent.Networking;
using Berth.Core.Networking;

namespace Berth.Agent.Tests.Networking;

/// <summary>Security group ingress → iptables-restore script and the pause container's create call, without Docker.</summary>
public sealed class IptablesScriptTests
{
    [Fact]
    public void Each_address_lets_replies_in_then_its_allowances_then_drops_the_rest()
    {
        var script = IptablesScript.Render("BERTH-SG-x",
            [new FirewallEndpoint("10.0.1.4", []), new FirewallEndpoint("10.0.1.5", [])],
            [
                new IngressAllowance("10.0.1.4", "10.0.1.5/32", "tcp", 80, 80),
                new IngressAllowance("10.0.1.4", "0.0.0.0/0", "udp", 5000, 5010),
                new IngressAllowance("10.0.1.4", "10.0.0.0/16", "icmp", null, null),
                new IngressAllowance("10.0.1.5", "10.0.1.4/32", null, null, null),
            ]);

        Assert.Equal("""
            *filter
            :BERTH-SG-x - [0:0]
            -A BERTH-SG-x -d 10.0.1.4/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A BERTH-SG-x -d 10.0.1.4/32 -s 10.0.1.5/32 -p tcp -m tcp --dport 80:80 -j ACCEPT
            -A BERTH-SG-x -d 10.0.1.4/32 -s 0.0.0.0/0 -p udp -m udp --dport 5000:5010 -j ACCEPT
            -A BERTH-SG-x -d 10.0.1.4/32 -s 10.0.0.0/16 -p icmp -j ACCEPT
            -A BERTH-SG-x -d 10.0.1.4/32 -j DROP
            -A BERTH-SG-x -d 10.0.1.5/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A BERTH-SG-x -d 10.0.1.5/32 -s 10.0.1.4/32 -j ACCEPT
            -A BERTH-SG-x -d 10.0.1.5/32 -j DROP
            COMMIT

            """.ReplaceLineEndings("\n"), script);
    }

    [Fact]
    public void No_endpoints_empty_the_chain() =>
        Assert.Equal("*filter\n:BERTH-SG-x - [0:0]\nCOMMIT\n", IptablesScript.Render("BERTH-SG-x", [], []));

    [Fact]
    public void Chain_names_are_per_namespace_and_fit_iptables_limit()
    {
        var a = IptablesScript.ChainOf("agent-a");
        Assert.NotEqual(a, IptablesScript.ChainOf("agent-b"));
        Assert.Equal(a, IptablesScript.ChainOf("agent-a"));
        Assert.True(a.Length <= 28, a);
        Assert.NotEqual(a, IptablesScript.CredentialsChainOf("agent-a"));
        Assert.True(IptablesScript.CredentialsChainOf("agent-a").Length <= 28);
    }

    [Fact]
    public void Only_the_agents_task_addresses_are_sent_from_the_credentials_address_to_its_endpoint()
    {
        Assert.Equal("""
            *nat
            :BERTH-CR-x - [0:0]
            -A BERTH-CR-x -s 10.0.1.4/32 -d 169.254.170.2/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.17.0.1:51679
            -A BERTH-CR-x -s 172.17.0.5/32 -d 169.254.170.2/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.17.0.1:51679
            COMMIT

            """.ReplaceLineEndings("\n"), IptablesScript.RenderCredentialsRedirect("BERTH-CR-x", ["10.0.1.4", "172.17.0.5"], "172.17.0.1", 51679));
        Assert.Equal("*nat\n:BERTH-CR-x - [0:0]\nCOMMIT\n", IptablesScript.RenderCredentialsRedirect("BERTH-CR-x", [], "172.17.0.1", 51679));
    }

    [Fact]
    public void The_pause_container_sits_on_the_subnet_network_at_the_allocated_address_and_mac()
    {
        var network = new TaskNetworkAssignment
        {
            SubnetId = "subnet-a",
            CidrBlock = "10.0.1.0/24",
            PrivateIPv4Address = "10.0.1.4",
            MacAddress = "02:42:0a:00:01:04",
            SecurityGroups = [],
        };
        var p = new PauseContainerSpec("berth/pause:latest", "ecs-web-1-internalecspause-00", "arn:task", "default", "ns").Build("berth-subnet-a", network);

        Assert.Equal("berth-subnet-a", p.HostConfig!.NetworkMode);
        var endpoint = Assert.Single(p.NetworkingConfig!.EndpointsConfig!);
        Assert.Equal("berth-subnet-a", endpoint.Key);
        Assert.Equal("10.0.1.4", endpoint.Value.IPAMConfig!.IPv4Address);
        Assert.Equal("02:42:0a:00:01:04", endpoint.Value.MacAddress);
        Assert.Equal("~internal~ecs~pause", p.Labels!["com.amazonaws.ecs.container-name"]);
        Assert.Equal("arn:task", p.Labels!["com.amazonaws.ecs.task-arn"]);
        Assert.Equal("ns", p.Labels!["org.berth.agent"]);
    }
}
