using Berth.Core.Networking;

namespace Berth.Core.Tests.Networking;

public sealed class Ipv4CidrTests
{
    [Theory]
    [InlineData("10.200.1.0/24", "10.200.1.0", 24)]
    [InlineData("0.0.0.0/0", "0.0.0.0", 0)]
    [InlineData("192.168.7.9/32", "192.168.7.9", 32)]
    public void Parses_a_block_at_its_first_address(string text, string network, int prefix)
    {
        Assert.True(Ipv4Cidr.TryParse(text, out var cidr));
        Assert.Equal(network, Ipv4Cidr.FormatAddress(cidr.Network));
        Assert.Equal(prefix, cidr.PrefixLength);
        Assert.Equal(text, cidr.ToString());
    }

    [Theory]
    [InlineData("10.200.1.5/24")]
    [InlineData("10.200.1.0")]
    [InlineData("10.200.1.0/33")]
    [InlineData("10.256.1.0/24")]
    [InlineData("10.200.1/24")]
    [InlineData(" 10.200.1.0/24")]
    [InlineData(null)]
    public void Refuses_what_is_not_a_block(string? text) => Assert.False(Ipv4Cidr.TryParse(text, out _));

    [Fact]
    public void Contains_and_overlaps_follow_the_mask()
    {
        Ipv4Cidr.TryParse("10.200.0.0/16", out var vpc);
        Ipv4Cidr.TryParse("10.200.1.0/24", out var a);
        Ipv4Cidr.TryParse("10.201.1.0/24", out var outside);
        Ipv4Cidr.TryParseAddress("10.200.255.255", out var last);

        Assert.True(vpc.Contains(last));
        Assert.Equal(last, vpc.Broadcast);
        Assert.True(vpc.Overlaps(a));
        Assert.True(a.Overlaps(vpc));
        Assert.False(a.Overlaps(outside));
    }
}
