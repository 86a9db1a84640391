using System.Globalization;

namespace Berth.Core.Networking;

/// <summary>An IPv4 CIDR block (<c>10.200.1.0/24</c>); addresses are host-order <see cref="uint"/>s.</summary>
public readonly record struct Ipv4Cidr(uint Network, int PrefixLength)
{
    public uint Mask => PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);

    public uint Broadcast => Network | ~Mask;

    public bool Contains(uint address) => (address & Mask) == Network;

    public bool Overlaps(Ipv4Cidr other) => Contains(other.Network) || other.Contains(Network);

    /// <summary>Parses <c>a.b.c.d/n</c>; the address must be the block's first (EC2 refuses <c>10.0.0.5/24</c> too).</summary>
    public static bool TryParse(string? text, out Ipv4Cidr cidr)
    {
        cidr = default;
        if (text?.Split('/') is not [var address, var prefix]
            || !TryParseAddress(address, out var network)
            || !int.TryParse(prefix, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            || length is < 0 or > 32)
        {
            return false;
        }
        cidr = new Ipv4Cidr(network, length);
        return (network & cidr.Mask) == network;
    }

    public static bool TryParseAddress(string? text, out uint address)
    {
        address = 0;
        if (text?.Split('.') is not { Length: 4 } parts)
        {
            return false;
        }
        foreach (var part in parts)
        {
            if (!byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var octet))
            {
                return false;
            }
            address = (address << 8) | octet;
        }
        return true;
    }

    public static string FormatAddress(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{FormatAddress(Network)}/{PrefixLength}");
}
