using Berth.Control.Networking;
using Berth.Core.Networking;

namespace Berth.Api.Tests.Networking;

/// <summary>The --vpc-config file: the registry's JSON shape, added to the seeded defaults.</summary>
public sealed class VpcConfigFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"berth-vpc-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void A_file_with_subnets_only_adds_them_to_the_defaults()
    {
        File.WriteAllText(_path, """{"subnets":[{"subnetId":"subnet-extra","vpcId":"vpc-berth-local","cidrBlock":"10.200.7.0/24"}]}""");

        var merged = NetworkRegistry.Default.With(NetworkState.ReadFile(_path));
        merged.Validate();

        Assert.Equal("10.200.7.0/24", merged.FindSubnet("subnet-extra")!.CidrBlock);
        Assert.NotNull(merged.FindSubnet("subnet-local-a"));
        Assert.Equal(NetworkRegistry.Default.SecurityGroups.Count, merged.SecurityGroups.Count);
    }

    [Fact]
    public void Rules_without_sources_read_as_empty_lists()
    {
        File.WriteAllText(_path, """
            {"securityGroups":[{"groupId":"sg-db","groupName":"db","vpcId":"vpc-berth-local",
              "ipPermissions":[{"ipProtocol":"tcp","fromPort":5432,"toPort":5432,"sourceGroupIds":["sg-web"]}]}]}
            """);

        var group = NetworkState.ReadFile(_path).SecurityGroups.Single();

        Assert.Empty(group.IpPermissions.Single().CidrIps);
        NetworkRegistry.Default.With(NetworkState.ReadFile(_path)).Validate();
    }

    [Fact]
    public void A_malformed_file_names_itself()
    {
        File.WriteAllText(_path, "{ not json");
        Assert.Contains(_path, Assert.Throws<InvalidDataException>(() => NetworkState.ReadFile(_path)).Message, StringComparison.Ordinal);
    }
}
