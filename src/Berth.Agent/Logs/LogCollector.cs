using System.Collections.Concurrent;
using Berth.Agent.ControlPlane;
using Berth.Agent.Docker;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Logs;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Logs;

/// <summary>
/// The agent's side of the awslogs driver: checks (or creates) a container's log group before the container is
/// created, as the ECS agent does, keeps one <see cref="ContainerLogShipper"/> per awslogs container, and lets
/// cleanup wait until a container's output is shipped before the container (and its log) is removed.
/// </summary>
internal sealed partial class LogCollector : IAsyncDisposable
{
    private static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(2);

    private readonly ILogsClient? _client;
    private readonly IDockerDriver _docker;
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, Task> _shippers = new(StringComparer.Ordinal);

    /// <param name="client">Null when the agent has no server to ship to: awslogs containers then fail to start.</param>
    public LogCollector(ILogsClient? client, IDockerDriver docker, string directory, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _client = client;
        _docker = docker;
        _directory = directory;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<LogCollector>();
        Directory.CreateDirectory(directory);
    }

    /// <summary>
    /// Null when the container may be created; otherwise why it cannot, in ECS's words. Options Docker's awslogs driver
    /// would refuse fail the container as they fail it on ECS (<see cref="AwsLogsOptionRules"/>). A missing group
    /// without awslogs-create-group fails the task start as ECS reports it. With an execution role the group is created, and
    /// a stream whose name is known before the container exists (awslogs-stream-prefix) is created, as that role, so
    /// a role that may not do so fails the container as the awslogs driver fails it on ECS. Throws when the server
    /// cannot be reached, so the task manager retries.
    /// </summary>
    public async Task<string?> PrepareAsync(ContainerDefinition definition, string containerName, string taskArn, AgentCredentials? execution,
        CancellationToken cancellationToken)
    {
        if (AwsLogsOptions.Of(definition) is not { } options)
        {
            return null;
        }
        const string prefix = "ResourceInitializationError: failed to validate logger args: ";
        if (_client is null)
        {
            return prefix + "this agent has no Berth server to ship awslogs output to";
        }
        if (AwsLogsOptionRules.Problem(definition.LogConfiguration!.Options ?? new Dictionary<string, string>()) is { } problem)
        {
            return $"{prefix}{problem} : exit status 1";
        }
        var caller = new LogsCaller(options.Region, execution);
        const string createStream = "create stream has been retried 1 times: failed to create Cloudwatch log stream: ";
        var step = "failed to create Cloudwatch log group: ";
        try
        {
            if (options.CreateGroup)
            {
                await _client.CreateGroupAsync(caller, options.Group, cancellationToken).ConfigureAwait(false);
            }
            else if (!await _client.GroupExistsAsync(new LogsCaller(options.Region), options.Group, cancellationToken).ConfigureAwait(false))
            {
                return prefix + createStream + "ResourceNotFoundException: The specified log group does not exist. : exit status 1";
            }
            if (execution is not null && options.StreamPrefix is not null)
            {
                step = createStream;
                await _client.CreateStreamAsync(caller, options.Group, options.StreamName(containerName, taskArn, ""), cancellationToken).ConfigureAwait(false);
            }
            return null;
        }
        catch (ControlPlaneException e) when (e.ErrorCode == "AccessDeniedException")
        {
            LogExecutionRoleDenied(_logger, taskArn, containerName, e.ServerMessage);
            return $"{prefix}{step}AccessDeniedException: {e.ServerMessage} : exit status 1";
        }
    }

    /// <summary>Starts shipping the container's output unless that is already under way (idempotent).</summary>
    /// <param name="execution">
    /// Null for a task without an execution role (output is signed with the agent's key); otherwise the role's current
    /// credentials, read at each call so rotation reaches the shipper; until they are known (after an agent restart,
    /// before the first poll) shipping waits.
    /// </param>
    public void Follow(string containerId, ContainerDefinition definition, string containerName, string taskArn, Func<TaskRoleCredentials?>? execution)
    {
        if (_client is null || AwsLogsOptions.Of(definition) is not { Group.Length: > 0 } options)
        {
            return;
        }
        Func<LogsCaller> caller = execution is null
            ? () => new LogsCaller(options.Region)
            : () => new LogsCaller(options.Region, LogsCaller.Execution(execution, taskArn));
        _shippers.AddOrUpdate(containerId,
            _ => Start(options, caller, containerId, definition, containerName, taskArn),
            (_, running) => running.IsCompleted ? Start(options, caller, containerId, definition, containerName, taskArn) : running);
    }

    /// <summary>
    /// Waits (up to <paramref name="timeout"/>) until the container's output is shipped, then forgets its position:
    /// called before the container is removed, which deletes Docker's copy of the output.
    /// </summary>
    public async Task DrainAsync(string containerId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_shippers.TryGetValue(containerId, out var shipper))
        {
            try
            {
                await shipper.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogDrainTimedOut(_logger, containerId, timeout.TotalSeconds);
            }
            _shippers.TryRemove(new KeyValuePair<string, Task>(containerId, shipper));
        }
        File.Delete(PositionPath(containerId));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_shippers.Values).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private Task Start(AwsLogsOptions options, Func<LogsCaller> caller, string containerId, ContainerDefinition definition, string containerName, string taskArn)
    {
        var shipper = new ContainerLogShipper(_client!, _docker, options, caller, containerId, definition.PseudoTerminal == true,
            options.StreamName(containerName, taskArn, containerId), PositionPath(containerId), _time, _loggerFactory.CreateLogger<ContainerLogShipper>());
        return Task.Run(() => SuperviseAsync(shipper, containerId, _stopping.Token));
    }

    /// <summary>Restarts a shipper that failed (Docker hiccup, malformed stream); it resumes from its position.</summary>
    private async Task SuperviseAsync(ContainerLogShipper shipper, string containerId, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await shipper.RunAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogShipperFailed(_logger, e, containerId);
                try
                {
                    await Task.Delay(RestartDelay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private string PositionPath(string containerId) => Path.Combine(_directory, containerId + ".position");

    [LoggerMessage(Level = LogLevel.Error, Message = "Log shipping of container {ContainerId} failed; restarting it")]
    private static partial void LogShipperFailed(ILogger logger, Exception exception, string containerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The execution role of task {TaskArn} may not write the awslogs of container {Container}, which therefore cannot start: {Reason}")]
    private static partial void LogExecutionRoleDenied(ILogger logger, string taskArn, string container, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Output of container {ContainerId} was not all shipped within {Seconds} s of its removal")]
    private static partial void LogDrainTimedOut(ILogger logger, string containerId, double seconds);
}
