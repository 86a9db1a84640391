namespace Berth.Core.Networking;

/// <summary>
/// What Berth's containers hold on one instance's Docker engine, as its agent last reported it: the addresses attached
/// to Berth's subnet networks, and the tasks with a container there (null from an agent that did not report them).
/// </summary>
public sealed record EngineAttachments(string ContainerInstanceArn, IReadOnlyList<AttachedAddress> Addresses, IReadOnlyList<string>? TaskArns = null)
{
    /// <summary>
    /// The addresses of the subnet a new lease must skip: attached to a container that is not the lease holder's
    /// task, such as a leftover of an earlier Berth (another data directory) or a container Berth never made.
    /// Docker would refuse a second endpoint at those ("Address already in use").
    /// </summary>
    public static HashSet<uint> Foreign(IEnumerable<EngineAttachments> engines, string subnetId, IReadOnlyDictionary<uint, string> leaseHolders)
    {
        var taken = new HashSet<uint>();
        foreach (var attached in engines.SelectMany(e => e.Addresses).Where(a => a.SubnetId == subnetId))
        {
            if (Ipv4Cidr.TryParseAddress(attached.Address, out var address)
                && !(attached.TaskArn is not null && leaseHolders.TryGetValue(address, out var holder) && holder == attached.TaskArn))
            {
                taken.Add(address);
            }
        }
        return taken;
    }
}
