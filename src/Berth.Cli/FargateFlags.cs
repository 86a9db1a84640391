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
    /// The local agent's options, left the part of the machine the pool does not take, and the managed agent's, derived
    /// from the local agent's; the local agent unchanged and no managed agent when the pool is switched off.
    /// </summary>
    public (AgentOptions Local, AgentOptions? Managed) Read(ParseResult result, AgentOptions local, string dataDirectory)
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
}
