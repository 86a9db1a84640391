using Berth.Agent.Docker;
using Berth.Agent.Tasks;
using Berth.Core.Ecs;
using Berth.Core.Networking;

namespace Berth.Agent.Tests.Support;

/// <summary>Task specs, known states and Docker observations for the task transition tables, built through the transitions themselves.</summary>
internal static class TaskStates
{
    public const string Image = "berth/sample-tools:latest";

    public static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The agent's defaults, spelt out because the tables depend on them.</summary>
    public static readonly AgentOptions Options = new()
    {
        DefaultStartTimeout = TimeSpan.FromMinutes(3),
        DefaultStopTimeout = TimeSpan.FromSeconds(30),
        MaxStopTimeout = TimeSpan.FromSeconds(120),
        TaskCleanupWait = TimeSpan.FromHours(3),
    };

    public static readonly TaskDesire Run = new("RUNNING", Unlisted: false);
    public static readonly TaskDesire StopTask = new("STOPPED", Unlisted: false);
    public static readonly TaskDesire Unlisted = new("RUNNING", Unlisted: true);

    /// <summary>A container definition (essential unless told otherwise) depending on others: ("init", "SUCCESS").</summary>
    public static ContainerDefinition C(string name, params (string Container, string Condition)[] dependsOn) => new()
    {
        Name = name,
        Image = Image,
        DependsOn = dependsOn.Length == 0 ? null : dependsOn.Select(d => new ContainerDependency { ContainerName = d.Container, Condition = d.Condition }).ToList(),
    };

    public static ContainerDefinition WithHealthCheck(this ContainerDefinition definition) =>
        definition with { HealthCheck = new HealthCheck { Command = ["CMD-SHELL", "true"] } };

    public static ContainerDefinition NonEssential(this ContainerDefinition definition) => definition with { Essential = false };

    public static TaskSpec Spec(params ContainerDefinition[] containers) => Spec("bridge", containers);

    public static TaskSpec Spec(string networkMode, params ContainerDefinition[] containers)
    {
        var assignment = TestTasks.Assignment("f", networkMode, containers);
        return TaskSpec.For(networkMode != "awsvpc" ? assignment : assignment with
        {
            Network = new TaskNetworkAssignment
            {
                SubnetId = "subnet-a",
                CidrBlock = "10.0.0.0/24",
                PrivateIPv4Address = "10.0.0.4",
                MacAddress = "02:00:0a:00:00:04",
                SecurityGroups = [],
            },
        }, Options);
    }

    public static TaskState New(TaskSpec spec) => TaskState.Start(spec.Plan, null, () => Guid.NewGuid().ToString("N"));

    public static TaskDecision Decide(TaskSpec spec, TaskState state, TaskDesire desire, DateTimeOffset? now = null) =>
        TaskTransitions.Decide(spec, state, desire, now ?? T0);

    public static TaskState Apply(this TaskState state, TaskSpec spec, params TaskEvent[] events) =>
        events.Aggregate(state, (s, e) => TaskTransitions.Apply(spec, s, e));

    public static string IdOf(string container) => "id-" + container;

    public static TaskState Pulled(this TaskState state, TaskSpec spec, string container) =>
        state.Apply(spec, new ImagePulled(container, null, T0));

    public static TaskState Created(this TaskState state, TaskSpec spec, string container) =>
        state.Pulled(spec, container).Apply(spec, new ContainerCreated(container, IdOf(container), "ecs-f-1-" + container));

    public static TaskState Running(this TaskState state, TaskSpec spec, string container, string health = "UNKNOWN", DateTimeOffset? startedAt = null) =>
        state.Created(spec, container).Apply(spec, new ContainerInspected(container, Observed(container, ContainerPhase.Running, health: health, startedAt: startedAt)));

    public static TaskState Exited(this TaskState state, TaskSpec spec, string container, int exitCode, DateTimeOffset? startedAt = null) =>
        state.Running(spec, container, startedAt: startedAt).Apply(spec, new ContainerInspected(container, Observed(container, ContainerPhase.Stopped, exitCode, startedAt: startedAt)));

    /// <summary>The image could not be pulled: the container never ran.</summary>
    public static TaskState FailedToStart(this TaskState state, TaskSpec spec, string container) =>
        state.Apply(spec, new ImagePulled(container, "CannotPullContainerError: nope", T0));

    /// <summary>What an inspect says: ran at some point unless only created.</summary>
    public static ContainerObservation Observed(string container, ContainerPhase phase, int? exitCode = null, string health = "UNKNOWN",
        DateTimeOffset? startedAt = null, string? reason = null, IReadOnlyList<NetworkBinding>? bindings = null) => new()
        {
            Id = IdOf(container),
            DockerName = "ecs-f-1-" + container,
            Phase = phase,
            EverStarted = phase != ContainerPhase.Created,
            ExitCode = exitCode,
            Reason = reason,
            Health = health,
            HasHealthCheck = health != "UNKNOWN",
            StartedAt = phase == ContainerPhase.Created ? null : startedAt ?? T0,
            NetworkBindings = bindings ?? [],
        };
}
