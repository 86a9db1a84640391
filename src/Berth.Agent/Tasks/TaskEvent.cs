using Berth.Agent.Docker;

namespace Berth.Agent.Tasks;

/// <summary>Something the task manager saw in Docker or learnt from an action; <see cref="TaskTransitions.Apply"/> folds it into the known state.</summary>
internal abstract record TaskEvent;

/// <summary>Something that happened to one container of the task.</summary>
internal abstract record ContainerEvent(string Container) : TaskEvent;

/// <summary>An inspect of a container (in each step, and right after it started); null when Docker no longer has it.</summary>
internal sealed record ContainerInspected(string Container, ContainerObservation? Observation) : ContainerEvent(Container);

/// <summary>The image is there, or why not (ECS's CannotPullContainerError); <see cref="At"/> is when the pull ended.</summary>
internal sealed record ImagePulled(string Container, string? Failure, DateTimeOffset At) : ContainerEvent(Container);

/// <summary>The container's log destination cannot take its output (ECS's ResourceInitializationError).</summary>
internal sealed record LoggingRefused(string Container, string Reason) : ContainerEvent(Container);

/// <summary>Docker refused to create the container (or the task's volumes), with its message.</summary>
internal sealed record CreateRefused(string Container, string Message) : ContainerEvent(Container);

internal sealed record ContainerCreated(string Container, string RuntimeId, string DockerName) : ContainerEvent(Container);

/// <summary>Docker refused to start the container, with its message.</summary>
internal sealed record StartRefused(string Container, string Message) : ContainerEvent(Container);

/// <summary>Stopped on the agent's decision; the inspect right after it (null when the container is gone).</summary>
internal sealed record ContainerStopped(string Container, ContainerObservation? Observation) : ContainerEvent(Container);

/// <summary>An inspect of the awsvpc pause container.</summary>
internal sealed record NetworkInspected(bool Running) : TaskEvent;

/// <summary>The network namespace runs, or why it cannot (ECS's ResourceInitializationError).</summary>
internal sealed record NetworkPrepared(string? Failure) : TaskEvent;

internal sealed record NetworkReleased : TaskEvent;

internal sealed record TaskCleanedUp : TaskEvent;
