using System.Globalization;

namespace Berth.Core.Networking;

/// <summary>
/// Address arithmetic for task ENIs. As in a VPC, the first four addresses of a subnet (network, router, DNS,
/// reserved) and the last (broadcast) are never given out (Amazon VPC user guide, "Subnet CIDR blocks");
/// Docker's bridge takes the router address as its gateway.
/// </summary>
public static class SubnetAddresses
{
    private const uint ReservedAtStart = 4;

    /// <summary>The lowest address of the subnet nobody holds: deterministic, so a replayed plan picks the same one.</summary>
    public static uint? FirstFree(Ipv4Cidr subnet, IReadOnlySet<uint> taken)
    {
        for (var address = subnet.Network + ReservedAtStart; address < subnet.Broadcast; address++)
        {
            if (!taken.Contains(address))
            {
                return address;
            }
        }
        return null;
    }

    /// <summary>The router address, which the subnet's Docker bridge takes as its gateway.</summary>
    public static uint Gateway(Ipv4Cidr subnet) => subnet.Network + 1;

    /// <summary>
    /// A locally administered MAC derived from the address the way Docker derives one (02:42 then the four
    /// octets), so the MAC DescribeTasks reports is the one the container's interface really has.
    /// </summary>
    public static string MacAddressOf(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"02:42:{address >> 24:x2}:{(address >> 16) & 0xFF:x2}:{(address >> 8) & 0xFF:x2}:{address & 0xFF:x2}");

    /// <summary>EC2's private DNS name: <c>ip-10-0-1-4.ec2.internal</c> in us-east-1, <c>….&lt;region&gt;.compute.internal</c> elsewhere.</summary>
    public static string PrivateDnsNameOf(uint address, string region)
    {
        var host = "ip-" + Ipv4Cidr.FormatAddress(address).Replace('.', '-');
        return region == "us-east-1" ? $"{host}.ec2.internal" : $"{host}.{region}.compute.internal";
    }
}
