using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Networking;

namespace Berth.Agent.Tasks;

/// <summary>The agent's time limits that task transitions depend on.</summary>
internal sealed record TaskTimings(TimeSpan DefaultStartTimeout, TimeSpan DefaultStopTimeout, TimeSpan MaxStopTimeout, TimeSpan CleanupWait)
{
    /// <summary>How often a task re-reads Docker even without an event.</summary>
    public static readonly TimeSpan Resync = TimeSpan.FromSeconds(10);

    public static TaskTimings From(AgentOptions options) =>
        new(options.DefaultStartTimeout, options.DefaultStopTimeout, options.MaxStopTimeout, options.TaskCleanupWait);
}

/// <summary>
/// What does not change in a task's life on this instance: its plan (made from the first assignment: a task's
/// definition never changes), whether it has an awsvpc network namespace of its own, and the agent's time limits.
/// </summary>
internal sealed record TaskSpec(TaskPlan Plan, bool HasNetwork, IReadOnlyList<NetworkBinding>? HostModeBindings, TaskTimings Timings)
{
    public static TaskSpec For(TaskAssignment assignment, AgentOptions options)
    {
        var plan = TaskPlan.Build(assignment, options.AllowPrivileged);
        // In host mode Docker reports no port bindings: the container's ports are the host's.
        var hostModeBindings = assignment.TaskDefinition.NetworkMode == "host"
            ? plan.Containers.SelectMany(c => c.Definition.PortMappings ?? []).Where(m => m.ContainerPort is not null)
                .Select(m => new NetworkBinding { BindIP = "0.0.0.0", ContainerPort = m.ContainerPort, HostPort = m.HostPort ?? m.ContainerPort, Protocol = m.Protocol ?? "tcp" })
                .ToList()
            : null;
        var hasNetwork = assignment.Network is not null && assignment.TaskDefinition.NetworkMode == AwsvpcRules.NetworkMode;
        return new TaskSpec(plan, hasNetwork, hostModeBindings, TaskTimings.From(options));
    }

    /// <summary>The container's startTimeout, or the agent's default: how long it may wait for its dependencies.</summary>
    public TimeSpan StartTimeoutOf(PlannedContainer container) =>
        container.Definition.StartTimeout is > 0 and var s ? TimeSpan.FromSeconds(s) : Timings.DefaultStartTimeout;

    /// <summary>The container's stopTimeout (or the agent's default), at most the agent's maximum.</summary>
    public TimeSpan StopTimeoutOf(PlannedContainer container)
    {
        var wanted = container.Definition.StopTimeout is >= 0 and var s ? TimeSpan.FromSeconds(s) : Timings.DefaultStopTimeout;
        return wanted < Timings.MaxStopTimeout ? wanted : Timings.MaxStopTimeout;
    }
}
