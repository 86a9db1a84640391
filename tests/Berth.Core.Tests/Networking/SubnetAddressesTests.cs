using Berth.Core.Networking;

namespace Berth.Core.Tests.Networking;

public sealed class SubnetAddressesTests
{
    private static readonly Ipv4Cidr Subnet = Parse("10.200.1.0/24");

    [Fact]
    public void The_first_address_given_is_the_fifth_as_in_a_vpc() =>
        Assert.Equal("10.200.1.4", Ipv4Cidr.FormatAddress(SubnetAddresses.FirstFree(Subnet, new HashSet<uint>())!.Value));

    [Fact]
    public void Takes_the_lowest_free_address_so_a_released_one_is_reused_first()
    {
        var taken = new HashSet<uint> { Address("10.200.1.4"), Address("10.200.1.6") };
        Assert.Equal("10.200.1.5", Ipv4Cidr.FormatAddress(SubnetAddresses.FirstFree(Subnet, taken)!.Value));
    }

    [Fact]
    public void Allocating_until_full_never_repeats_and_never_uses_a_reserved_address()
    {
        var small = Parse("10.0.0.0/28");
        var taken = new HashSet<uint>();
        while (SubnetAddresses.FirstFree(small, taken) is { } next)
        {
            Assert.True(taken.Add(next));
        }
        // 16 addresses less the first four and the broadcast.
        Assert.Equal(11, taken.Count);
        Assert.DoesNotContain(Address("10.0.0.3"), taken);
        Assert.DoesNotContain(Address("10.0.0.15"), taken);
        Assert.Null(SubnetAddresses.FirstFree(small, taken));
    }

    [Fact]
    public void Mac_follows_dockers_rule_and_dns_name_ec2s()
    {
        Assert.Equal("02:42:0a:c8:01:04", SubnetAddresses.MacAddressOf(Address("10.200.1.4")));
        Assert.Equal("ip-10-200-1-4.ec2.internal", SubnetAddresses.PrivateDnsNameOf(Address("10.200.1.4"), "us-east-1"));
        Assert.Equal("ip-10-200-1-4.eu-west-1.compute.internal", SubnetAddresses.PrivateDnsNameOf(Address("10.200.1.4"), "eu-west-1"));
        Assert.Equal("10.200.1.1", Ipv4Cidr.FormatAddress(SubnetAddresses.Gateway(Subnet)));
    }

    private static Ipv4Cidr Parse(string text) => Ipv4Cidr.TryParse(text, out var cidr) ? cidr : throw new FormatException(text);

    private static uint Address(string text) => Ipv4Cidr.TryParseAddress(text, out var a) ? a : throw new FormatException(text);
}
