using System.Globalization;
using System.Net;
using Berth.Agent.ControlPlane;
using Berth.Agent.Docker;
using Berth.Agent.Exec;
using Berth.Agent.Logs;
using Berth.Agent.Metadata;
using Berth.Agent.Networking;
using Berth.Agent.State;
using Berth.Agent.Stats;
using Berth.Agent.Tasks;
using Berth.Core.Agent;
using Microsoft.Extensions.Logging;

namespace Berth.Agent;

/// <summary>
/// The Berth agent: registers this Docker host as a container instance, then forever polls its task
/// assignments, makes Docker match them and reports what happened. Failures (server down, Docker hiccups) are
/// logged and retried; running containers are never touched by the agent's own trouble, and survive its restart.
/// </summary>
public sealed partial class BerthAgent : IAsyncDisposable
{
    private const string DefaultCluster = "default";
    private static readonly TimeSpan OrphanSweepInterval = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly AgentOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IControlPlane _controlPlane;
    private readonly ILogsClient? _logsClient;
    private readonly IDisposable? _ownedControlPlane;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<string> _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;

    private BerthAgent(AgentOptions options, ILoggerFactory loggerFactory, IControlPlane controlPlane, ILogsClient? logsClient, IDisposable? owned, TimeProvider time)
    {
        _options = options;
        _loggerFactory = loggerFactory;
        _controlPlane = controlPlane;
        _logsClient = logsClient;
        _ownedControlPlane = owned;
        _time = time;
        _logger = loggerFactory.CreateLogger<BerthAgent>();
    }

    /// <summary>Runs an agent against the server at <see cref="AgentOptions.ServerUrl"/> until cancelled (<c>berth agent</c>).</summary>
    public static async Task RunAsync(AgentOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var agent = Create(options, loggerFactory);
        await using (agent.ConfigureAwait(false))
        {
            await agent.RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// An agent talking to <paramref name="controlPlane"/> (e.g. the server in the same process for
    /// <c>berth up</c>), or over HTTP to <see cref="AgentOptions.ServerUrl"/> when none is given. awslogs output
    /// goes to <paramref name="logsClient"/>, or to the server's CloudWatch Logs API over HTTP; with neither,
    /// awslogs containers fail to start.
    /// </summary>
    internal static BerthAgent Create(AgentOptions options, ILoggerFactory loggerFactory, IControlPlane? controlPlane = null, TimeProvider? timeProvider = null,
        ILogsClient? logsClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate(requireServerUrl: controlPlane is null);
        if (controlPlane is not null)
        {
            return new BerthAgent(options, loggerFactory, controlPlane, logsClient, null, timeProvider ?? TimeProvider.System);
        }
        var http = new HttpControlPlane(options, timeProvider ?? TimeProvider.System);
        return new BerthAgent(options, loggerFactory, http, logsClient ?? http, http, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Completes with the container instance ARN once the instance is registered.</summary>
    internal Task<string> Registered => _registered.Task;

    /// <summary>The metadata endpoint's base URI once it listens (e.g. <c>http://172.17.0.1:51679</c>).</summary>
    internal string? MetadataEndpoint { get; private set; }

    /// <summary>The label value on this agent's containers (see <see cref="AgentOptions.AgentNamespace"/>).</summary>
    internal string? AgentNamespace { get; private set; }

    /// <summary>
    /// register → adopt → (poll → reconcile → report) until cancelled. Returns normally on cancellation; the
    /// containers keep running and the next start adopts them.
    /// </summary>
    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("An agent runs once; create another to run again.");
        }
        var state = StateStore.Open(_options.DataDirectory, _loggerFactory.CreateLogger<StateStore>());
        var saved = state.Snapshot();
        AgentNamespace = _options.AgentNamespace ?? saved.InstanceId;
        LogStarting(_logger, saved.InstanceId, _options.Cluster, AgentNamespace, state.FilePath);

        using var docker = new DockerDriver(_options.DockerEndpoint, _loggerFactory.CreateLogger<DockerDriver>());
        using var background = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = new List<Task>();
        MetadataServer? metadata = null;
        TaskEngine? engine = null;
        LogCollector? logs = null;
        PausePool? pausePool = null;
        ExecSessionRunner? exec = null;
        try
        {
            var host = await UntilSuccessAsync("reach the Docker engine", docker.GetHostInfoAsync, cancellationToken).ConfigureAwait(false);
            var warmUp = docker.WarmUpAsync(cancellationToken);
            var reports = new ReportQueue(_controlPlane, _time, _loggerFactory.CreateLogger<ReportQueue>());
            logs = new LogCollector(_logsClient, docker, Path.Combine(_options.DataDirectory, "logs"), _time, _loggerFactory);
            pausePool = new PausePool(docker, _options.Cluster, AgentNamespace, _loggerFactory.CreateLogger<PausePool>());
            // Before any task is adopted or starts: what an earlier run of this agent left in its pool goes.
            await UntilSuccessAsync("clear the pause container pool", async ct =>
            {
                await pausePool.RemoveUnusedAsync(ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            var runtime = new AgentRuntime
            {
                Options = _options,
                Docker = docker,
                Reports = reports,
                State = state,
                Logs = logs,
                Time = _time,
                LoggerFactory = _loggerFactory,
                Cluster = _options.Cluster,
                AgentNamespace = AgentNamespace,
                SecurityGroups = new SecurityGroupEnforcer(AgentNamespace, IptablesProcess.RunAsync, _loggerFactory.CreateLogger<SecurityGroupEnforcer>()),
                SandboxPrerequisites = new SandboxPrerequisites(docker, _options.PullTimeout),
                PausePool = pausePool,
            };
            engine = new TaskEngine(runtime);

            metadata = await StartMetadataAsync(runtime, cancellationToken).ConfigureAwait(false);
            runtime.MetadataBaseUri = MetadataEndpoint = metadata?.BaseUri;
            if (metadata is not null)
            {
                // The address containers already reach the metadata endpoint on; 169.254.170.2:80 is sent there.
                var listener = new Uri(metadata.BaseUri);
                runtime.CredentialsRouting = new CredentialsRouting(AgentNamespace, listener.Host, listener.Port, _loggerFactory.CreateLogger<CredentialsRouting>());
                runtime.CredentialsLoopbackUri = metadata.LoopbackUri;
            }

            loops.Add(state.RunAsync(background.Token));
            loops.Add(reports.RunAsync(background.Token));
            loops.Add(WatchEventsAsync(docker, engine, AgentNamespace, background.Token));
            loops.Add(new StatsSampler(runtime, engine, _controlPlane).RunAsync(background.Token));

            // Tasks of the state file are adopted before the server answers: they are looked after (an essential
            // container exiting still stops its task) even while the server is unreachable.
            engine.Resume(saved);

            var identity = new AgentIdentity
            {
                InstanceId = saved.InstanceId,
                AvailabilityZone = _options.AvailabilityZone,
                HostAddress = _options.HostAddress ?? InstanceRegistration.DetectHostAddress(_options.ServerUrl),
            };
            var arn = await RegisterAsync(state, host, identity, reports, cancellationToken).ConfigureAwait(false);
            await warmUp.ConfigureAwait(false);
            exec = new ExecSessionRunner(_controlPlane, docker, engine, _time, _loggerFactory.CreateLogger<ExecSessionRunner>());
            await PollAsync(arn, docker, state, host, identity, reports, engine, exec, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await background.CancelAsync().ConfigureAwait(false);
            if (exec is not null)
            {
                await exec.StopAsync().ConfigureAwait(false);
                LogShutdownStep(_logger, "exec sessions");
            }
            if (engine is not null)
            {
                await engine.ShutdownAsync().ConfigureAwait(false);
            }
            LogShutdownStep(_logger, "task managers");
            if (pausePool is not null)
            {
                await pausePool.DisposeAsync().ConfigureAwait(false);
                LogShutdownStep(_logger, "pause container pool");
            }
            if (logs is not null)
            {
                await logs.DisposeAsync().ConfigureAwait(false);
                LogShutdownStep(_logger, "log shipping");
            }
            await Task.WhenAll(loops).ConfigureAwait(false);
            LogShutdownStep(_logger, "background loops");
            if (metadata is not null)
            {
                await metadata.DisposeAsync().ConfigureAwait(false);
                LogShutdownStep(_logger, "metadata endpoint");
            }
            await state.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            LogStopped(_logger);
        }
    }

    private async Task<MetadataServer?> StartMetadataAsync(AgentRuntime runtime, CancellationToken cancellationToken)
    {
        IPAddress bind;
        string advertised;
        if (_options.MetadataAddress is { } configured)
        {
            bind = IPAddress.Parse(configured);
            advertised = configured;
        }
        else
        {
            var gateway = await runtime.Docker.GetBridgeGatewayAsync(cancellationToken).ConfigureAwait(false);
            bind = gateway ?? IPAddress.Any;
            advertised = (gateway ?? IPAddress.Parse("172.17.0.1")).ToString();
        }
        try
        {
            return await MetadataServer.StartAsync(bind, _options.MetadataPort, advertised, runtime, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // Tasks still run without it; their containers just get no ECS_CONTAINER_METADATA_URI_V4.
            LogMetadataUnavailable(_logger, e, bind.ToString(), _options.MetadataPort);
            return null;
        }
    }

    /// <summary>
    /// RegisterContainerInstance, as the same instance when the state file names one. When the server refuses
    /// that ARN (it forgot the instance), registers as a new one: the old instance's tasks are then not listed
    /// any more and get stopped, as a task the server does not list must not run here. An agent given a join token
    /// or credentials joins instead (<see cref="IControlPlane.JoinAsync"/>) unless it kept the key of the instance it
    /// registers as (<see cref="AgentKeyFile"/>); when that key is refused (the instance was deregistered, its key
    /// revoked), it drops the key and joins again as a new instance.
    /// </summary>
    private async Task<string> RegisterAsync(StateStore state, DockerHostInfo host, AgentIdentity identity, ReportQueue reports, CancellationToken cancellationToken)
    {
        var saved = state.Snapshot();
        var arn = saved.Cluster is null || saved.Cluster == _options.Cluster ? saved.ContainerInstanceArn : null;
        if (arn is null && saved.ContainerInstanceArn is not null)
        {
            LogClusterChanged(_logger, saved.Cluster ?? "", _options.Cluster);
        }
        var canJoin = _options.JoinToken is not null || _options.Credentials is not null;
        var ownKey = arn is not null && AgentKeyFile.Read(_options.DataDirectory) is { } kept && kept.ContainerInstanceArn == arn ? kept : null;
        _controlPlane.UseCredentials(ownKey?.Credentials ?? _options.Credentials);
        var failures = 0;
        while (true)
        {
            try
            {
                var request = InstanceRegistration.Build(_options, host, identity, arn);
                var registered = canJoin && ownKey is null
                    ? await JoinAsync(request, cancellationToken).ConfigureAwait(false)
                    : (await _controlPlane.RegisterAsync(request, cancellationToken).ConfigureAwait(false)).ContainerInstance?.ContainerInstanceArn
                        ?? throw new ControlPlaneException(500, "ServerException", "RegisterContainerInstance answered without a containerInstanceArn.");
                state.SetRegistration(registered, _options.Cluster);
                reports.SetInstance(registered);
                _registered.TrySetResult(registered);
                LogRegistered(_logger, registered, arn is not null);
                return registered;
            }
            catch (ControlPlaneException e) when (e.ErrorCode == "ClusterNotFoundException" && _options.Cluster == DefaultCluster)
            {
                // The ECS agent creates the default cluster when it registers into it and finds none.
                await _controlPlane.CreateClusterAsync(DefaultCluster, cancellationToken).ConfigureAwait(false);
            }
            catch (ControlPlaneException e) when (!e.IsRetryable && ownKey is not null)
            {
                LogOwnKeyRefused(_logger, ownKey.AccessKeyId, e.Message);
                AgentKeyFile.Delete(_options.DataDirectory);
                _controlPlane.UseCredentials(_options.Credentials);
                (ownKey, arn) = (null, null);
            }
            catch (ControlPlaneException e) when (!e.IsRetryable && arn is not null)
            {
                LogReRegistrationRefused(_logger, arn, e.Message);
                arn = null;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var delay = Backoff(++failures);
                LogRegisterFailed(_logger, e.Message, delay.TotalSeconds);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }

        async Task<string> JoinAsync(Core.Ecs.RegisterContainerInstanceRequest request, CancellationToken ct)
        {
            var joined = await _controlPlane.JoinAsync(new AgentJoinRequest { JoinToken = _options.JoinToken?.Value, Registration = request }, ct).ConfigureAwait(false);
            var registered = joined.ContainerInstance.ContainerInstanceArn
                ?? throw new ControlPlaneException(500, "ServerException", "The join answered without a containerInstanceArn.");
            ownKey = new AgentKeyFileContents(registered, joined.Credentials.AccessKeyId, joined.Credentials.SecretAccessKey);
            AgentKeyFile.Write(_options.DataDirectory, ownKey);
            _controlPlane.UseCredentials(ownKey.Credentials);
            LogJoined(_logger, registered, ownKey.AccessKeyId);
            return registered;
        }
    }

    private async Task PollAsync(string arn, IDockerDriver docker, StateStore state, DockerHostInfo host, AgentIdentity identity, ReportQueue reports,
        TaskEngine engine, ExecSessionRunner exec, CancellationToken cancellationToken)
    {
        long version = 0;
        var failures = 0;
        DateTimeOffset? lastSweep = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var started = _time.GetUtcNow();
                var inventory = await EngineInventory.ReadAsync(docker, cancellationToken).ConfigureAwait(false);
                var response = await _controlPlane.PollAsync(new AgentPollRequest
                {
                    ContainerInstanceArn = arn,
                    AssignmentsVersion = version,
                    WaitSeconds = _options.PollWaitSeconds,
                    AttachedAddresses = inventory?.Addresses,
                    EngineTaskArns = inventory?.TaskArns,
                }, cancellationToken).ConfigureAwait(false);
                if (failures > 0)
                {
                    LogServerBack(_logger, failures);
                }
                failures = 0;
                var unchanged = response.AssignmentsVersion == version;
                version = response.AssignmentsVersion;
                engine.Reconcile(response.Tasks);
                exec.Start(response.ExecSessions, cancellationToken);
                if (lastSweep is null || _time.GetUtcNow() - lastSweep > OrphanSweepInterval)
                {
                    await engine.RemoveOrphansAsync(cancellationToken).ConfigureAwait(false);
                    lastSweep = _time.GetUtcNow();
                }
                if (unchanged && _time.GetUtcNow() - started < TimeSpan.FromMilliseconds(100) && _options.PollWaitSeconds > 0)
                {
                    // A server that answers at once with nothing new would turn the long poll into a busy loop.
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ControlPlaneException e) when (!e.IsRetryable)
            {
                // The server does not know this instance (any more): register again, then carry on polling.
                LogPollRefused(_logger, arn, e.Message);
                arn = await RegisterAsync(state, host, identity, reports, cancellationToken).ConfigureAwait(false);
                version = 0;
            }
            catch (Exception e)
            {
                var delay = Backoff(++failures);
                LogPollFailed(_logger, e.Message, failures, delay.TotalSeconds);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Follows Docker's container events for this agent's containers and pokes the task they belong to. After
    /// a dropped stream it resumes from the last event seen (Docker replays with <c>since</c>), and every task
    /// re-reads its containers, so nothing is missed.
    /// </summary>
    private async Task WatchEventsAsync(IDockerDriver docker, TaskEngine engine, string agentNamespace, CancellationToken cancellationToken)
    {
        var failures = 0;
        var since = _time.GetUtcNow().ToUnixTimeSeconds();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await docker.MonitorEventsAsync(agentNamespace, since.ToString(CultureInfo.InvariantCulture), message =>
                {
                    failures = 0;
                    since = Math.Max(since, message.Time ?? since);
                    engine.OnDockerEvent(message);
                }, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false); // a stream blocked in a read must not hold up shutdown
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogEventsFailed(_logger, e.Message);
            }
            engine.PokeAll();
            try
            {
                await Task.Delay(Backoff(++failures), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<T> UntilSuccessAsync<T>(string what, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            try
            {
                return await action(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var delay = Backoff(++failures);
                LogRetrying(_logger, what, e.Message, delay.TotalSeconds);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>0.5 s, 1 s, 2 s, … up to 30 s.</summary>
    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(500 * Math.Pow(2, Math.Min(failures - 1, 10)), MaxBackoff.TotalMilliseconds));

    public ValueTask DisposeAsync()
    {
        _ownedControlPlane?.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent starting: instance {InstanceId}, cluster {Cluster}, namespace {AgentNamespace}, state {StatePath}")]
    private static partial void LogStarting(ILogger logger, string instanceId, string cluster, string agentNamespace, string statePath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent stopped; containers are left running for the next start to adopt")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shutdown: {Step} stopped")]
    private static partial void LogShutdownStep(ILogger logger, string step);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered as {ContainerInstanceArn} (re-registration: {Again})")]
    private static partial void LogRegistered(ILogger logger, string containerInstanceArn, bool again);

    [LoggerMessage(Level = LogLevel.Information, Message = "Joined as {ContainerInstanceArn}; signing as {AccessKeyId} from now on")]
    private static partial void LogJoined(ILogger logger, string containerInstanceArn, string accessKeyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server refused the instance's own key {AccessKeyId} ({Error}): the instance was deregistered; joining again as a new instance")]
    private static partial void LogOwnKeyRefused(ILogger logger, string accessKeyId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server refused re-registration as {ContainerInstanceArn} ({Error}); registering as a new instance")]
    private static partial void LogReRegistrationRefused(ILogger logger, string containerInstanceArn, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The state file's instance belongs to cluster {OldCluster}, not {Cluster}; registering as a new instance")]
    private static partial void LogClusterChanged(ILogger logger, string oldCluster, string cluster);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RegisterContainerInstance failed ({Error}); retrying in {DelaySeconds} s")]
    private static partial void LogRegisterFailed(ILogger logger, string error, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Poll failed ({Error}, {Failures} in a row); retrying in {DelaySeconds} s. Tasks keep running")]
    private static partial void LogPollFailed(ILogger logger, string error, int failures, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "The server answers again after {Failures} failed poll(s)")]
    private static partial void LogServerBack(ILogger logger, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server refused the poll of {ContainerInstanceArn} ({Error}); registering again")]
    private static partial void LogPollRefused(ILogger logger, string containerInstanceArn, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Docker event stream ended ({Error}); reconnecting")]
    private static partial void LogEventsFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not {What} ({Error}); retrying in {DelaySeconds} s")]
    private static partial void LogRetrying(ILogger logger, string what, string error, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The task metadata endpoint cannot listen on {BindAddress}:{Port}; containers get no metadata URI")]
    private static partial void LogMetadataUnavailable(ILogger logger, Exception exception, string bindAddress, int port);
}
