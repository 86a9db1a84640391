namespace Berth.Agent.ControlPlane;

/// <summary>
/// One Docker engine shared by two agents, as <c>berth up</c> runs its local agent and the managed Fargate pool.
/// A sized pool is carved out of the host: it takes its size and the local agent the rest, so nothing is offered
/// twice. Unsized (the default), each offers the whole host: an EC2 user's instance shows the machine as it is, as
/// on AWS, and Fargate is a stand-in whose tasks share the same cores (Docker's CPU shares are weights, not limits),
/// so halving the machine would only take capacity from the user who never runs a Fargate task.
/// Resolved at registration, the first moment an agent knows the engine's size.
/// </summary>
/// <param name="PoolCpuUnits">The pool's CPU units; null: the host's, shared with the local agent.</param>
/// <param name="PoolMemoryMiB">The pool's memory; null: the host's, shared with the local agent.</param>
/// <param name="IsPool">Whether this agent is the pool (true) or the local agent that gets the rest (false).</param>
public sealed record HostSplit(int? PoolCpuUnits, int? PoolMemoryMiB, bool IsPool)
{
    public long CpuUnitsOf(long hostCpuUnits) => Part(hostCpuUnits, PoolCpuUnits);

    public long MemoryMiBOf(long hostMemoryMiB) => Part(hostMemoryMiB, PoolMemoryMiB);

    /// <summary>The pool's part may be sized past the host (an overcommitted dev pool); the local agent then gets nothing.</summary>
    private long Part(long host, int? pool) =>
        pool is not { } poolPart ? host : IsPool ? poolPart : Math.Max(0, host - poolPart);
}
