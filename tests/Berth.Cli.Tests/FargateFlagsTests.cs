using System.CommandLine;
using Berth.Agent;

namespace Berth.Cli.Tests;

/// <summary><c>berth up</c>'s Fargate pool flags, parsed as the command line gives them and checked against a machine's size.</summary>
public sealed class FargateFlagsTests
{
    private static readonly MachineSize TwoCores = new(2, 4096);

    /// <summary>The flags as <c>berth up</c> takes them: the local agent's (for --reserved-memory), then the pool's.</summary>
    private static (AgentOptions Local, AgentOptions? Managed) Read(MachineSize machine, params string[] args)
    {
        var agent = new AgentFlags();
        var fargate = new FargateFlags();
        var command = new RootCommand();
        agent.AddTo(command);
        fargate.AddTo(command);
        var result = command.Parse(args);
        Assert.Empty(result.Errors);
        return fargate.Read(result, agent.Read(result, new Uri("http://127.0.0.1:4566"), "/tmp/agent"), "/tmp/fargate-agent", machine);
    }

    private static string Refusal(MachineSize machine, params string[] args) =>
        Assert.Throws<ArgumentException>(() => Read(machine, args)).Message;

    [Fact]
    public void A_pool_with_more_vcpus_than_the_machine_is_refused_naming_the_flag_and_the_machine()
    {
        Assert.Equal(
            "--fargate-vcpu 8.5 does not fit this machine (2 vCPUs, 4096 MiB): the pool must leave the local agent some CPU; give less than 2, or 0 to share the whole machine.",
            Refusal(TwoCores, "--fargate-vcpu", "8.5"));
    }

    [Fact]
    public void A_pool_of_the_whole_machine_is_refused_because_it_leaves_the_local_agent_nothing()
    {
        Assert.StartsWith("--fargate-vcpu 2 does not fit this machine", Refusal(TwoCores, "--fargate-vcpu", "2"));
        Assert.StartsWith("--fargate-memory 4096 does not fit this machine", Refusal(TwoCores, "--fargate-memory", "4096"));
    }

    [Fact]
    public void Reserved_memory_counts_against_both_agents()
    {
        Assert.Equal(
            "--fargate-memory 3584 does not fit this machine (2 vCPUs, 4096 MiB): the pool must leave the local agent some memory after --reserved-memory 512; give less than 3584, or 0 to share the whole machine.",
            Refusal(TwoCores, "--fargate-memory", "3584", "--reserved-memory", "512"));
        Assert.Equal(
            "--fargate-memory 256 leaves the pool nothing after --reserved-memory 512; give more than 512.",
            Refusal(TwoCores, "--fargate-memory", "256", "--reserved-memory", "512"));
    }

    [Fact]
    public void A_pool_that_fits_is_carved_out_of_the_machine()
    {
        var (local, managed) = Read(TwoCores, "--fargate-vcpu", "1.5", "--fargate-memory", "3000");

        Assert.Equal((1536, 3000, false), (local.Split!.PoolCpuUnits, local.Split.PoolMemoryMiB, local.Split.IsPool));
        Assert.True(managed!.Split!.IsPool);
    }

    [Fact]
    public void An_unsized_pool_shares_any_machine()
    {
        var (local, managed) = Read(new MachineSize(1, 512));

        Assert.Equal((null, null), (local.Split!.PoolCpuUnits, local.Split.PoolMemoryMiB));
        Assert.NotNull(managed);
    }
}
