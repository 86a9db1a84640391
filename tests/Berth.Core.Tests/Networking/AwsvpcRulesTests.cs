using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Networking;

namespace Berth.Core.Tests.Networking;

public sealed class AwsvpcRulesTests
{
    private static readonly TaskDefinition Awsvpc = new() { Family = "web", NetworkMode = "awsvpc" };
    private static readonly NetworkRegistry Registry = NetworkRegistry.Default.With(new NetworkRegistry
    {
        Subnets = [new Subnet { SubnetId = "subnet-other-vpc", VpcId = "vpc-other", CidrBlock = "10.9.0.0/24" }],
        SecurityGroups = [new SecurityGroup { GroupId = "sg-other-vpc", GroupName = "other", VpcId = "vpc-other" }],
    });

    [Fact]
    public void Resolves_subnets_and_groups_in_the_order_given()
    {
        var request = Resolve(Awsvpc, Config(["subnet-local-b", "subnet-local-a"], ["sg-web"]));

        Assert.Equal(["subnet-local-b", "subnet-local-a"], request!.Subnets.Select(s => s.SubnetId));
        Assert.Equal("sg-web", Assert.Single(request.SecurityGroups).GroupId);
    }

    [Fact]
    public void Without_security_groups_the_vpcs_default_group_applies() =>
        Assert.Equal("sg-berth-default", Assert.Single(Resolve(Awsvpc, Config(["subnet-local-a"], null))!.SecurityGroups).GroupId);

    [Fact]
    public void Other_network_modes_need_no_configuration_and_refuse_one()
    {
        var bridge = Awsvpc with { NetworkMode = "bridge" };
        Assert.Null(Resolve(bridge, null));
        Assert.Equal("Network Configuration is not valid for the given networkMode of this task definition.",
            Assert.Throws<InvalidParameterException>(() => Resolve(bridge, Config(["subnet-local-a"], null))).Message);
    }

    [Theory]
    [InlineData(null, "Network Configuration must be provided when networkMode 'awsvpc' is specified.")]
    [InlineData("", "subnets can not be empty.")]
    [InlineData("subnet-nope", "Error retrieving subnet information for [subnet-nope]: The subnet ID 'subnet-nope' does not exist")]
    [InlineData("subnet-local-a,subnet-other-vpc", "The subnets provided must belong to the same VPC.")]
    public void Subnet_errors_use_ecs_wording(string? subnets, string message)
    {
        var network = subnets is null ? null : Config(subnets.Split(',', StringSplitOptions.RemoveEmptyEntries), null);
        Assert.Equal(message, Assert.Throws<InvalidParameterException>(() => Resolve(Awsvpc, network)).Message);
    }

    [Theory]
    [InlineData("sg-nope", "Error retrieving security group information for [sg-nope]: The security group 'sg-nope' does not exist")]
    [InlineData("sg-other-vpc", "Security groups and subnets must belong to the same VPC.")]
    [InlineData("sg-1,sg-2,sg-3,sg-4,sg-5,sg-6", "securityGroups can have at most 5 items.")]
    public void Security_group_errors_use_ecs_wording(string groups, string message) =>
        Assert.Equal(message, Assert.Throws<InvalidParameterException>(() => Resolve(Awsvpc, Config(["subnet-local-a"], groups.Split(',')))).Message);

    [Fact]
    public void More_than_sixteen_subnets_are_refused() =>
        Assert.Equal("subnets can have at most 16 items.", Assert.Throws<InvalidParameterException>(() =>
            Resolve(Awsvpc, Config(Enumerable.Repeat("subnet-local-a", 17).ToList(), null))).Message);

    [Theory]
    [InlineData("EC2", "ENABLED", "Assign public IP is not supported for this launch type.")]
    [InlineData("EC2", "MAYBE", "Invalid value 'MAYBE' for assignPublicIp. Valid values are: ENABLED, DISABLED.")]
    public void A_public_ip_is_for_fargate_only(string launchType, string assign, string message)
    {
        var network = new NetworkConfiguration { AwsvpcConfiguration = new AwsVpcConfiguration { Subnets = ["subnet-local-a"], AssignPublicIp = assign } };
        Assert.Equal(message, Assert.Throws<InvalidParameterException>(() => AwsvpcRules.Resolve(Awsvpc, network, launchType, Registry)).Message);
    }

    [Fact]
    public void Fargate_may_ask_for_a_public_ip()
    {
        var network = new NetworkConfiguration { AwsvpcConfiguration = new AwsVpcConfiguration { Subnets = ["subnet-local-a"], AssignPublicIp = "ENABLED" } };
        Assert.NotNull(AwsvpcRules.Resolve(Awsvpc, network, "FARGATE", Registry));
    }

    private static TaskNetworkRequest? Resolve(TaskDefinition definition, NetworkConfiguration? network) =>
        AwsvpcRules.Resolve(definition, network, "EC2", Registry);

    private static NetworkConfiguration Config(IReadOnlyList<string> subnets, IReadOnlyList<string>? groups) =>
        new() { AwsvpcConfiguration = new AwsVpcConfiguration { Subnets = subnets, SecurityGroups = groups } };
}
