using System.Globalization;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Placement;
using Berth.Core.State;

namespace Berth.Core.ContainerInstances;

/// <summary>
/// The four resources ECS accounts per container instance, in ECS's wire form (<c>Resource</c> entries
/// named CPU, MEMORY, PORTS, PORTS_UDP) and as a <see cref="ResourceSet"/> for placement.
/// </summary>
public static class ContainerInstanceResources
{
    /// <summary>Reads the totals an agent registers; CPU and MEMORY are required, port lists are optional.</summary>
    public static ResourceSet FromRegistration(IReadOnlyList<Resource>? resources)
    {
        var byName = (resources ?? []).Where(r => r.Name is not null).ToDictionary(r => r.Name!, StringComparer.Ordinal);
        var cpu = Integer(byName, "CPU");
        var memory = Integer(byName, "MEMORY");
        return new ResourceSet(cpu, memory, Ports(byName, "PORTS"), Ports(byName, "PORTS_UDP"));
    }

    /// <summary>What is left after every task that still holds a claim on the instance.</summary>
    public static ResourceSet Remaining(ResourceSet registered, IEnumerable<TaskAssignmentRecord> claims)
    {
        int cpu = registered.Cpu, memory = registered.Memory;
        var tcp = new HashSet<int>(registered.TcpPorts);
        var udp = new HashSet<int>(registered.UdpPorts);
        foreach (var claim in claims)
        {
            cpu -= claim.Cpu;
            memory -= claim.Memory;
            tcp.UnionWith(claim.TcpPorts);
            udp.UnionWith(claim.UdpPorts);
        }
        return new ResourceSet(cpu, memory, tcp, udp);
    }

    /// <summary>ECS's shape: every entry carries all value members, the unused ones zero.</summary>
    public static List<Resource> ToWire(ResourceSet set) =>
    [
        new() { Name = "CPU", Type = "INTEGER", IntegerValue = set.Cpu, DoubleValue = 0, LongValue = 0 },
        new() { Name = "MEMORY", Type = "INTEGER", IntegerValue = set.Memory, DoubleValue = 0, LongValue = 0 },
        PortList("PORTS", set.TcpPorts),
        PortList("PORTS_UDP", set.UdpPorts),
    ];

    private static Resource PortList(string name, IReadOnlySet<int> ports) => new()
    {
        Name = name,
        Type = "STRINGSET",
        StringSetValue = ports.Order().Select(p => p.ToString(CultureInfo.InvariantCulture)).ToList(),
        IntegerValue = 0,
        DoubleValue = 0,
        LongValue = 0,
    };

    private static int Integer(Dictionary<string, Resource> byName, string name) =>
        byName.TryGetValue(name, out var resource) && (resource.IntegerValue ?? (int?)resource.LongValue ?? (int?)resource.DoubleValue) is { } value && value > 0
            ? value
            : throw new InvalidParameterException($"totalResources must include a positive {name} value.");

    private static HashSet<int> Ports(Dictionary<string, Resource> byName, string name)
    {
        var ports = new HashSet<int>();
        foreach (var text in byName.GetValueOrDefault(name)?.StringSetValue ?? [])
        {
            ports.Add(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
                ? port
                : throw new InvalidParameterException($"Invalid port '{text}' in {name}."));
        }
        return ports;
    }
}
