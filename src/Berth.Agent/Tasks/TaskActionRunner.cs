using Berth.Agent.Docker;
using Berth.Agent.Logs;
using Berth.Agent.Metadata;
using Berth.Agent.Networking;
using Berth.Core.Agent;
using Docker.DotNet;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Tasks;

/// <summary>
/// Carries out one <see cref="TaskAction"/> of a task through Docker, the log collector and the network sandbox, and
/// says what happened as a <see cref="TaskEvent"/>. It decides nothing: a refusal by Docker is an event, anything
/// else (Docker or the server unreachable) is an exception, and the task manager retries the step.
/// </summary>
/// <param name="credentialsId">The task's id on the credentials endpoint when it has a role.</param>
/// <param name="credentialsToken">A host-mode task's authorization token on the credentials endpoint.</param>
/// <param name="executionCredentials">The execution role credentials of the task's latest assignment (they rotate).</param>
internal sealed partial class TaskActionRunner(AgentRuntime runtime, string taskArn, TaskSandbox? sandbox, string? credentialsId, string? credentialsToken,
    Func<TaskRoleCredentials?> executionCredentials)
{
    /// <summary>How long removal of a stopped container waits for its awslogs output to be shipped.</summary>
    private static readonly TimeSpan LogDrainTimeout = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger = runtime.LoggerFactory.CreateLogger<TaskActionRunner>();
    private readonly TaskVolumes _volumes = new(runtime, taskArn);

    /// <param name="state">The known state the action was decided on.</param>
    /// <param name="assignment">The task's latest assignment.</param>
    public async Task<TaskEvent> RunAsync(TaskAction action, TaskState state, TaskAssignment assignment, CancellationToken cancellationToken)
    {
        var clock = runtime.Time.GetTimestamp();
        TaskEvent result = action switch
        {
            PrepareNetwork => new NetworkPrepared(await Sandbox.EnsureRunningAsync(PauseSpec(assignment), cancellationToken).ConfigureAwait(false)),
            PullImage pull => new ImagePulled(pull.Container,
                await runtime.Docker.EnsureImageAsync(pull.Image, runtime.Options.PullTimeout, cancellationToken).ConfigureAwait(false), runtime.Time.GetUtcNow()),
            CreateContainer create => await CreateAsync(create, state, assignment, cancellationToken).ConfigureAwait(false),
            StartContainer start => await StartAsync(start, state, assignment, cancellationToken).ConfigureAwait(false),
            StopContainer stop => await StopAsync(stop, cancellationToken).ConfigureAwait(false),
            ReleaseNetwork => await ReleaseNetworkAsync(cancellationToken).ConfigureAwait(false),
            CleanUp => await CleanUpAsync(state, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Not an action the runner carries out."),
        };
        LogActionDone(_logger, taskArn, action, runtime.Time.GetElapsedTime(clock).TotalMilliseconds);
        return result;
    }

    /// <summary>
    /// What the task's awslogs are signed with (<see cref="LogCollector.Follow"/>): null for a task without an execution
    /// role, whose output the agent writes as itself; otherwise the role's current credentials.
    /// </summary>
    public Func<TaskRoleCredentials?>? LogsExecution(TaskAssignment assignment) =>
        (assignment.Task.Overrides?.ExecutionRoleArn ?? assignment.TaskDefinition.ExecutionRoleArn) is null ? null : executionCredentials;

    private TaskSandbox Sandbox => sandbox ?? throw new InvalidOperationException($"Task {taskArn} has no network namespace of its own.");

    private async Task<TaskEvent> CreateAsync(CreateContainer create, TaskState state, TaskAssignment assignment, CancellationToken cancellationToken)
    {
        var container = state.Find(create.Container)!;
        var execution = LogsExecution(assignment) is { } current ? LogsCaller.Execution(current, taskArn) : null;
        if (await runtime.Logs.PrepareAsync(container.Plan.Definition, container.Name, taskArn, execution, cancellationToken).ConfigureAwait(false) is { } logError)
        {
            return new LoggingRefused(container.Name, logError);
        }
        try
        {
            var volumes = await _volumes.EnsureAsync(assignment.TaskDefinition, cancellationToken).ConfigureAwait(false);
            var dockerName = ContainerSpec.DockerNameFor(assignment.TaskDefinition, container.Name);
            var parameters = ContainerSpec.Build(container.Plan, new ContainerSpecContext
            {
                Task = assignment.Task,
                TaskDefinition = assignment.TaskDefinition,
                Cluster = runtime.Cluster,
                AgentNamespace = runtime.AgentNamespace,
                DockerName = dockerName,
                MetadataUriV4 = runtime.MetadataBaseUri is { } m ? $"{m}/v4/{container.MetadataToken}" : null,
                MetadataUriV3 = runtime.MetadataBaseUri is { } m3 ? $"{m3}/v3/{container.MetadataToken}" : null,
                Credentials = CredentialsEnvironment(),
                NetworkSandboxId = sandbox?.ContainerId,
                DockerNames = state.Containers.Where(o => o.DockerName is not null).ToDictionary(o => o.Name, o => o.DockerName!),
                VolumeSources = volumes,
                StopTimeout = create.StopTimeout,
                Secrets = assignment.Secrets?.GetValueOrDefault(container.Name),
            });
            var id = await runtime.Docker.CreateContainerAsync(parameters, cancellationToken).ConfigureAwait(false);
            return new ContainerCreated(container.Name, id, dockerName);
        }
        catch (DockerApiException e)
        {
            return new CreateRefused(container.Name, DockerDriver.MessageOf(e));
        }
    }

    private async Task<TaskEvent> StartAsync(StartContainer start, TaskState state, TaskAssignment assignment, CancellationToken cancellationToken)
    {
        try
        {
            await runtime.Docker.StartContainerAsync(start.RuntimeId, cancellationToken).ConfigureAwait(false);
            runtime.Logs.Follow(start.RuntimeId, state.Find(start.Container)!.Plan.Definition, start.Container, taskArn, LogsExecution(assignment));
        }
        catch (DockerApiException e)
        {
            return new StartRefused(start.Container, DockerDriver.MessageOf(e));
        }
        return new ContainerInspected(start.Container, await runtime.Docker.InspectAsync(start.RuntimeId, cancellationToken).ConfigureAwait(false));
    }

    private async Task<TaskEvent> StopAsync(StopContainer stop, CancellationToken cancellationToken)
    {
        if (stop.Timeout is { } timeout)
        {
            LogStopping(_logger, taskArn, stop.Container, timeout.TotalSeconds);
            await runtime.Docker.StopContainerAsync(stop.RuntimeId, timeout, cancellationToken).ConfigureAwait(false);
        }
        return new ContainerStopped(stop.Container, await runtime.Docker.InspectAsync(stop.RuntimeId, cancellationToken).ConfigureAwait(false));
    }

    private async Task<TaskEvent> ReleaseNetworkAsync(CancellationToken cancellationToken)
    {
        await Sandbox.StopAsync(cancellationToken).ConfigureAwait(false);
        return new NetworkReleased();
    }

    private async Task<TaskEvent> CleanUpAsync(TaskState state, CancellationToken cancellationToken)
    {
        foreach (var c in state.Containers.Where(c => c.RuntimeId is not null))
        {
            await runtime.Logs.DrainAsync(c.RuntimeId!, LogDrainTimeout, cancellationToken).ConfigureAwait(false);
            await runtime.Docker.RemoveContainerAsync(c.RuntimeId!, cancellationToken).ConfigureAwait(false);
        }
        if (sandbox is not null)
        {
            await sandbox.RemoveAsync(cancellationToken).ConfigureAwait(false);
        }
        await _volumes.RemoveAsync(cancellationToken).ConfigureAwait(false);
        LogCleanedUp(_logger, taskArn);
        return new TaskCleanedUp();
    }

    private PauseContainerSpec PauseSpec(TaskAssignment assignment) =>
        new(runtime.Options.PauseImage, ContainerSpec.DockerNameFor(assignment.TaskDefinition, "internalecspause"), taskArn, runtime.Cluster, runtime.AgentNamespace);

    /// <summary>
    /// How the task's containers find their role credentials: the relative URI on 169.254.170.2, routed to this agent, or
    /// for a host-mode task the full URI on loopback and its token; none without a role or where neither can work.
    /// </summary>
    private ContainerCredentials? CredentialsEnvironment() => (credentialsId, credentialsToken) switch
    {
        (null, _) => null,
        ({ } id, null) when runtime.CredentialsRouting is not null => new ContainerCredentials(CredentialsEndpoint.RelativeUri(id), null, null),
        ({ } id, { } token) when runtime.CredentialsLoopbackUri is { } loopback => new ContainerCredentials(null, loopback + CredentialsEndpoint.RelativeUri(id), token),
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskArn}: {Action} took {Milliseconds} ms")]
    private static partial void LogActionDone(ILogger logger, string taskArn, TaskAction action, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping container {ContainerName} of task {TaskArn} (timeout {TimeoutSeconds} s)")]
    private static partial void LogStopping(ILogger logger, string taskArn, string containerName, double timeoutSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed the containers and volumes of task {TaskArn}")]
    private static partial void LogCleanedUp(ILogger logger, string taskArn);
}
