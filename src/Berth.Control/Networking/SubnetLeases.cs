using Berth.Core.Networking;
using Berth.Store;

namespace Berth.Control.Networking;

/// <summary>
/// One subnet's address use as read for one launch. <see cref="Take"/> picks the lowest free address and
/// returns the write that records the lease: a create, or an update of a stale lease at the version read, so
/// two launches racing for one address conflict and one re-plans.
/// </summary>
internal sealed class SubnetLeases(Subnet subnet, HashSet<uint> held, IReadOnlyDictionary<uint, long> stale)
{
    public Subnet Subnet => subnet;

    public (uint Address, PutRecord Write)? Take(string taskArn)
    {
        if (SubnetAddresses.FirstFree(subnet.Cidr, held) is not { } address)
        {
            return null;
        }
        held.Add(address);
        var lease = new SubnetAddressLease(subnet.SubnetId, Ipv4Cidr.FormatAddress(address), taskArn);
        return (address, NetworkRecords.PutLease(lease, stale.GetValueOrDefault(address)));
    }
}
