namespace Berth.Agent.Tasks;

/// <summary>
/// One thing <see cref="TaskTransitions.Decide"/> asks the task manager to do. Actions decided together do not
/// depend on each other and run in parallel; each ends in a <see cref="TaskEvent"/> that says what happened.
/// </summary>
internal abstract record TaskAction;

/// <summary>Get the awsvpc network namespace running (pause container, subnet network, security group rules).</summary>
internal sealed record PrepareNetwork : TaskAction;

/// <summary>Use the image when the engine has it, else pull it.</summary>
internal sealed record PullImage(string Container, string Image) : TaskAction;

/// <summary>Check the container's log destination, create the task's volumes once, and create the container.</summary>
internal sealed record CreateContainer(string Container, TimeSpan StopTimeout) : TaskAction;

/// <summary>Start the created container, follow its output, and inspect it.</summary>
internal sealed record StartContainer(string Container, string RuntimeId) : TaskAction;

/// <summary>Stop the container within <see cref="Timeout"/> (null: it never ran, there is nothing to stop) and inspect it.</summary>
internal sealed record StopContainer(string Container, string RuntimeId, TimeSpan? Timeout) : TaskAction;

/// <summary>Take the stopped task's address out of the security group rules and stop its pause container.</summary>
internal sealed record ReleaseNetwork : TaskAction;

/// <summary>Remove the STOPPED task's containers (once their output is shipped), its pause container and its task volumes.</summary>
internal sealed record CleanUp : TaskAction;

/// <summary>The task is done with on this instance: forget it.</summary>
internal sealed record Finish : TaskAction;
