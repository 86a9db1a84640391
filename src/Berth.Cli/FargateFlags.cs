using System.CommandLine;
using Berth.Agent;
using Berth.Agent.ControlPlane;
using Berth.Core.Capacity;

namespace Berth.Cli;

/// <summary>
/// <c>berth up</c>'s managed Fargate pool: a second agent on the local Docker engine that registers into the pool
/// behind FARGATE and FARGATE_SPOT (<see cref="ManagedCapacity"/>), with its own data directory and agent namespace.
/// Both agents run on one machine: unsized, each offers all of it; sized by its flags, the pool is carved out of it
/// and the local agent offers the rest (<see cref="HostSplit"/>).
/// </summary>
internal sealed class FargateFlags
{
    private readonly Option<bool> _enabled = EnvOption.Create("--fargate", "Run the managed pool for FARGATE and FARGATE_SPOT", "BERTH_FARGATE", true);
    private readonly Option<double> _vcpu = EnvOption.Create("--fargate-vcpu", "vCPUs of the managed Fargate pool, taken from the local agent (0: the machine's, shared)", "BERTH_FARGATE_VCPU", 0.0);
    private readonly Option<int> _memory = EnvOption.Create("--fargate-memory", "MiB of memory of the managed Fargate pool, taken from the local agent (0: the machine's, shared)", "BERTH_FARGATE_MEMORY", 0);

    public void AddTo(Command command)
    {
        command.Options.Add(_enabled);
        command.Options.Add(_vcpu);
        command.Options.Add(_memory);
    }

    /// <summary>
    /// The local agent's options, left the part of <paramref name="machine"/> the pool does not take, and the managed
    /// agent's, derived from the local agent's; the local agent unchanged and no managed agent when the pool is switched off.
    /// </summary>
    public (AgentOptions Local, AgentOptions? Managed) Read(ParseResult result, AgentOptions local, string dataDirectory, MachineSize machine)
    {
        if (!result.GetValue(_enabled))
        {
            return (local, null);
        }
        var vcpu = result.GetValue(_vcpu);
        var memory = result.GetValue(_memory);
        if (vcpu < 0 || memory < 0)
        {
            throw new ArgumentException($"--fargate-vcpu and --fargate-memory must not be negative; got {vcpu} and {memory}.");
        }
        CheckFits(vcpu, memory, local.ReservedMemoryMiB, machine);
        var split = new HostSplit(vcpu > 0 ? (int)Math.Round(vcpu * 1024) : null, memory > 0 ? memory : null, IsPool: false);
        var managed = local with
        {
            Cluster = ManagedCapacity.PoolClusterName,
            DataDirectory = dataDirectory,
            AgentNamespace = local.AgentNamespace is { } name ? name + "-fargate" : null,
            Attributes = new Dictionary<string, string>(),
            AllowPrivileged = false,
            // Next to the local agent's endpoint (51679 → 51680); 0 stays "any free port".
            MetadataPort = local.MetadataPort == 0 ? 0 : local.MetadataPort + 1,
            Split = split with { IsPool = true },
        };
        managed.Validate();
        return (local with { Split = split }, managed);
    }

    /// <summary>
    /// A sized pool is carved out of the machine, and each agent must keep some CPU and memory after
    /// <c>--reserved-memory</c>: the server refuses to register an instance without ("totalResources must include a
    /// positive CPU value"), and the agent would retry its registration forever.
    /// </summary>
    private static void CheckFits(double vcpu, int memory, int reserved, MachineSize machine)
    {
        if (vcpu > 0 && Math.Round(vcpu * 1024) >= machine.CpuUnits)
        {
            throw new ArgumentException(
                $"--fargate-vcpu {vcpu} does not fit this machine ({machine}): the pool must leave the local agent some CPU; "
                + $"give less than {machine.Cpus}, or 0 to share the whole machine.");
        }
        if (memory > 0 && memory <= reserved)
        {
            throw new ArgumentException($"--fargate-memory {memory} leaves the pool nothing after --reserved-memory {reserved}; give more than {reserved}.");
        }
        if (memory > 0 && machine.MemoryMiB - memory <= reserved)
        {
            throw new ArgumentException(
                $"--fargate-memory {memory} does not fit this machine ({machine}): the pool must leave the local agent some memory"
                + (reserved > 0 ? $" after --reserved-memory {reserved}" : "") + $"; give less than {machine.MemoryMiB - reserved}, or 0 to share the whole machine.");
        }
    }
}
