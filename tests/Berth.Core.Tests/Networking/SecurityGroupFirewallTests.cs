using Berth.Core.Networking;

namespace Berth.Core.Tests.Networking;

public sealed class SecurityGroupFirewallTests
{
    private static readonly SecurityGroup Web = Group("sg-web", new IpPermission { IpProtocol = "tcp", FromPort = 80, ToPort = 80, SourceGroupIds = ["sg-client"] });
    private static readonly SecurityGroup Client = Group("sg-client");

    [Fact]
    public void A_group_source_admits_the_addresses_of_the_tasks_that_carry_it()
    {
        var allowances = SecurityGroupFirewall.Allowances(
        [
            new FirewallEndpoint("10.0.1.4", [Web]),
            new FirewallEndpoint("10.0.1.5", [Client]),
            new FirewallEndpoint("10.0.1.6", [Client]),
            new FirewallEndpoint("10.0.1.7", [Group("sg-stranger")]),
        ]);

        Assert.Equal(
        [
            new IngressAllowance("10.0.1.4", "10.0.1.5/32", "tcp", 80, 80),
            new IngressAllowance("10.0.1.4", "10.0.1.6/32", "tcp", 80, 80),
        ], allowances);
    }

    [Fact]
    public void A_group_with_no_rules_admits_nothing() =>
        Assert.Empty(SecurityGroupFirewall.Allowances([new FirewallEndpoint("10.0.1.4", [Client]), new FirewallEndpoint("10.0.1.5", [Client])]));

    [Fact]
    public void A_group_source_with_no_task_carrying_it_admits_nothing_yet() =>
        Assert.Empty(SecurityGroupFirewall.Allowances([new FirewallEndpoint("10.0.1.4", [Web])]));

    [Fact]
    public void Cidr_sources_protocols_and_ranges_come_through_and_duplicates_once()
    {
        var group = Group("sg-mixed",
            new IpPermission { IpProtocol = "udp", FromPort = 5000, ToPort = 5010, CidrIps = ["0.0.0.0/0"] },
            new IpPermission { IpProtocol = "icmp", FromPort = -1, ToPort = -1, CidrIps = ["10.0.0.0/16"] },
            new IpPermission { IpProtocol = "-1", FromPort = 1, ToPort = 2, SourceGroupIds = ["sg-mixed"] });
        var again = group with { GroupId = "sg-mixed-copy" };

        var allowances = SecurityGroupFirewall.Allowances([new FirewallEndpoint("10.0.1.4", [group, again])]);

        Assert.Equal(
        [
            new IngressAllowance("10.0.1.4", "0.0.0.0/0", "udp", 5000, 5010),
            new IngressAllowance("10.0.1.4", "10.0.0.0/16", "icmp", null, null),
            new IngressAllowance("10.0.1.4", "10.0.1.4/32", null, null, null),
        ], allowances);
    }

    [Fact]
    public void The_default_group_lets_its_members_talk_to_each_other_only()
    {
        var defaultGroup = NetworkRegistry.Default.FindSecurityGroup("sg-berth-default")!;
        var allowances = SecurityGroupFirewall.Allowances(
            [new FirewallEndpoint("10.0.1.4", [defaultGroup]), new FirewallEndpoint("10.0.1.5", [defaultGroup]), new FirewallEndpoint("10.0.1.6", [Client])]);

        Assert.Contains(new IngressAllowance("10.0.1.4", "10.0.1.5/32", null, null, null), allowances);
        Assert.Contains(new IngressAllowance("10.0.1.5", "10.0.1.4/32", null, null, null), allowances);
        Assert.DoesNotContain(allowances, a => a.Source == "10.0.1.6/32" || a.Destination == "10.0.1.6");
    }

    private static SecurityGroup Group(string id, params IpPermission[] permissions) =>
        new() { GroupId = id, GroupName = id, VpcId = "vpc-test", IpPermissions = permissions };
}
