namespace Berth.Agent.ControlPlane;

/// <summary>
/// One Docker engine shared by two agents, as <c>berth up</c> runs its local agent and the managed Fargate pool: the pool
/// takes the size it is given, or half the host, and the local agent the rest, so no CPU unit or MiB is offered twice.
/// Resolved at registration, the first moment an agent knows the engine's size.
/// </summary>
/// <param name="PoolCpuUnits">The pool's CPU units; null: half the host's.</param>
/// <param name="PoolMemoryMiB">The pool's memory; null: half the host's.</param>
/// <param name="IsPool">Whether this agent is the pool (true) or the local agent that gets the rest (false).</param>
public sealed record HostSplit(int? PoolCpuUnits, int? PoolMemoryMiB, bool IsPool)
{
    public long CpuUnitsOf(long hostCpuUnits) => Part(hostCpuUnits, PoolCpuUnits);

    public long MemoryMiBOf(long hostMemoryMiB) => Part(hostMemoryMiB, PoolMemoryMiB);

    /// <summary>The pool's part may be sized past the host (an overcommitted dev pool); the local agent then gets nothing.</summary>
    private long Part(long host, int? pool)
    {
        var poolPart = pool ?? host / 2;
        return IsPool ? poolPart : Math.Max(0, host - poolPart);
    }
}
