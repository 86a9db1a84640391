using Berth.Core.Errors;
using Berth.Core.Networking;

namespace Berth.Core.Tests.Networking;

public sealed class NetworkRegistryTests
{
    [Fact]
    public void The_default_registry_is_valid_and_has_the_tour_subnets_and_groups()
    {
        NetworkRegistry.Default.Validate();
        Assert.Equal("10.200.1.0/24", NetworkRegistry.Default.FindSubnet("subnet-local-a")!.CidrBlock);
        Assert.Equal("10.200.2.0/24", NetworkRegistry.Default.FindSubnet("subnet-local-b")!.CidrBlock);
        Assert.NotNull(NetworkRegistry.Default.FindSecurityGroup("sg-web"));
    }

    [Fact]
    public void Added_records_replace_those_of_the_same_id()
    {
        var merged = NetworkRegistry.Default.With(new NetworkRegistry
        {
            Subnets = [new Subnet { SubnetId = "subnet-local-a", VpcId = NetworkRegistry.DefaultVpcId, CidrBlock = "10.200.9.0/24" }],
        });
        Assert.Equal("10.200.9.0/24", merged.FindSubnet("subnet-local-a")!.CidrBlock);
        Assert.Equal(2, merged.Subnets.Count);
    }

    [Theory]
    [InlineData("10.200.3.0/24", null)]
    [InlineData("10.200.1.128/25", "conflicts with subnet subnet-local-a")]
    [InlineData("10.0.0.0/8", "is invalid")]
    [InlineData("10.200.3.0/29", "is invalid")]
    [InlineData("10.200.3.7/24", "is invalid")]
    public void Subnets_must_be_well_formed_and_not_overlap_in_their_vpc(string cidr, string? error)
    {
        var registry = NetworkRegistry.Default.With(new NetworkRegistry
        {
            Subnets = [new Subnet { SubnetId = "subnet-new", VpcId = NetworkRegistry.DefaultVpcId, CidrBlock = cidr }],
        });
        if (error is null)
        {
            registry.Validate();
        }
        else
        {
            Assert.Contains(error, Assert.Throws<InvalidParameterException>(registry.Validate).Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("tcp", 80, 79, null, "fromPort <= toPort")]
    [InlineData("gre", null, null, null, "invalid ipProtocol")]
    [InlineData("tcp", 80, 80, "sg-missing", "source group 'sg-missing' does not exist")]
    public void Rules_are_checked_as_ec2_checks_them(string protocol, int? from, int? to, string? source, string error)
    {
        var registry = NetworkRegistry.Default.With(new NetworkRegistry
        {
            SecurityGroups =
            [
                new SecurityGroup
                {
                    GroupId = "sg-bad", GroupName = "bad", VpcId = NetworkRegistry.DefaultVpcId,
                    IpPermissions = [new IpPermission { IpProtocol = protocol, FromPort = from, ToPort = to, SourceGroupIds = source is null ? [] : [source] }],
                },
            ],
        });
        Assert.Contains(error, Assert.Throws<InvalidParameterException>(registry.Validate).Message, StringComparison.Ordinal);
    }
}
