using Berth.Core.Placement;

namespace Berth.Core.Daemons;

/// <summary>
/// ECS starts a daemon's task on a new instance "before other tasks": the daemon's resources are reserved on every
/// instance of its capacity providers. Berth's daemon scheduler places that task in its next round, so until the
/// daemon holds a claim on the instance (its task is placed, whatever its status), placement of every other task sees
/// the instance with the daemon task's CPU, memory and fixed host ports already taken. A daemon task that does not fit
/// at all is not reserved for more than once: each daemon reserves its own needs once per instance.
/// </summary>
public static class DaemonReservations
{
    /// <summary>A daemon due on instances: its task group (<c>daemon:name</c>), what its task needs, and the instances of its capacity providers.</summary>
    public sealed record Due(string Group, ResourceSet Needs, IReadOnlySet<string> InstanceArns);

    /// <summary>The snapshot with what the due daemons not yet placed on each instance need taken from its remaining resources.</summary>
    public static ClusterSnapshot Reserve(ClusterSnapshot snapshot, IReadOnlyList<Due> daemons) =>
        daemons.Count == 0 ? snapshot : new ClusterSnapshot([.. snapshot.Instances.Select(i => Reserve(i, daemons))]);

    /// <summary>Whether any due daemon is owed room on any of the instances: if not, <see cref="Reserve(ClusterSnapshot, IReadOnlyList{Due})"/> changes nothing.</summary>
    public static bool AnyOwed(ClusterSnapshot snapshot, IReadOnlyList<Due> daemons) =>
        snapshot.Instances.Any(i => Owed(i, daemons).Any());

    public static InstanceCandidate Reserve(InstanceCandidate instance, IReadOnlyList<Due> daemons)
    {
        var owed = Owed(instance, daemons).ToList();
        if (owed.Count == 0)
        {
            return instance;
        }
        var remaining = instance.Remaining;
        var tcp = new HashSet<int>(remaining.TcpPorts);
        var udp = new HashSet<int>(remaining.UdpPorts);
        foreach (var daemon in owed)
        {
            tcp.UnionWith(daemon.Needs.TcpPorts);
            udp.UnionWith(daemon.Needs.UdpPorts);
        }
        // A remaining set's ports are those taken (ContainerInstanceResources.Remaining), so the daemon's are added.
        return instance with
        {
            Remaining = new ResourceSet(remaining.Cpu - owed.Sum(d => d.Needs.Cpu), remaining.Memory - owed.Sum(d => d.Needs.Memory), tcp, udp),
        };
    }

    /// <summary>The due daemons of the instance's capacity providers that hold no task on it yet.</summary>
    private static IEnumerable<Due> Owed(InstanceCandidate instance, IReadOnlyList<Due> daemons) =>
        daemons.Where(d => d.InstanceArns.Contains(instance.ContainerInstanceArn) && !instance.Tasks.Any(t => t.Group == d.Group));
}
