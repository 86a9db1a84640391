using System.Net;
using System.Text.Json;
using Berth.Agent.Docker;
using Berth.Agent.Logs;
using Berth.Core.Agent;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Berth.Agent.Tests.Support;

/// <summary>
/// An in-memory container engine for task lifecycle tests: containers move between created, running and exited as
/// Docker's would, every call is recorded in order, and the test scripts refusals, exits, health and faults.
/// </summary>
internal sealed class FakeDocker : IDockerDriver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Container> _containers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IDictionary<string, string>> _volumes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _images = new(StringComparer.Ordinal) { TestTasks.WebImage, TestTasks.ToolsImage, TestTasks.PauseImage };
    private readonly List<string> _calls = [];
    private readonly Dictionary<string, List<DockerLogLine>> _output = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _shortFollows = new(StringComparer.Ordinal);
    private int _created;

    /// <summary>Something changed that Docker would send an event for.</summary>
    public event Action? Changed;

    /// <summary>Docker's message refusing the create of the container of this ECS name, or null to create it.</summary>
    public Func<string, string?> RefuseCreate { get; set; } = _ => null;

    /// <summary>Docker's message refusing the start of the container of this ECS name, or null to start it.</summary>
    public Func<string, string?> RefuseStart { get; set; } = _ => null;

    /// <summary>Called with each call as recorded ("create web"); an exception it returns is thrown, as an unreachable engine would.</summary>
    public Func<string, Exception?> Fault { get; set; } = _ => null;

    /// <summary>ECS container names whose process exits at once with this code when started.</summary>
    public Dictionary<string, int> ExitOnStart { get; } = new(StringComparer.Ordinal);

    /// <summary>ECS container names whose start Docker accepts but which stay created, without an event (no engine should do that).</summary>
    public HashSet<string> StartLeavesCreated { get; } = new(StringComparer.Ordinal);

    /// <summary>ECS container names whose process ignores SIGTERM, so a stop ends in SIGKILL (exit code 137).</summary>
    public HashSet<string> IgnoreSigterm { get; } = new(StringComparer.Ordinal);

    /// <summary>Every call in order: "pull image", "create name", "start name", "stop name 30s", "remove name", "inspect name".</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_gate)
            {
                return _calls.ToList();
            }
        }
    }

    /// <summary>The calls other than inspects, which a level-triggered loop makes as often as it likes.</summary>
    public IReadOnlyList<string> Actions => Calls.Where(c => !c.StartsWith("inspect ", StringComparison.Ordinal) && !c.StartsWith("list ", StringComparison.Ordinal)).ToList();

    public IReadOnlyList<string> Volumes
    {
        get
        {
            lock (_gate)
            {
                return _volumes.Keys.ToList();
            }
        }
    }

    /// <summary>The Docker containers of one ECS container of a task (more than one would be a duplicate).</summary>
    public IReadOnlyList<string> IdsOf(string taskArn, string container)
    {
        lock (_gate)
        {
            return _containers.Values.Where(c => c.Labels.GetValueOrDefault(DockerLabels.TaskArn) == taskArn && c.EcsName == container)
                .Select(c => c.Id).ToList();
        }
    }

    public string IdOf(string taskArn, string container) => Assert.Single(IdsOf(taskArn, container));

    /// <summary>The container's process exits on its own.</summary>
    public void Exit(string id, int exitCode) => Change(id, c => c.Exit(exitCode));

    /// <summary>The container's process exits on its own after running <paramref name="ranFor"/> since its last start.</summary>
    public void Exit(string id, int exitCode, TimeSpan ranFor) => Change(id, c => c.Exit(exitCode, ranFor));

    public void SetHealth(string id, string health) => Change(id, c => c.Health = health);

    /// <summary>The container writes a line, as Docker's log keeps it (stamped by the stream's copier).</summary>
    public void Write(string id, DockerLogLine line)
    {
        lock (_gate)
        {
            (_output.TryGetValue(id, out var output) ? output : _output[id] = []).Add(line);
        }
    }

    /// <summary>
    /// The next read of the running container's log ends <paramref name="missing"/> lines short, and the container
    /// stops: Docker 20.10's follow can end so when the container stops while the reader lags behind.
    /// </summary>
    public void EndNextFollowShort(string id, int missing)
    {
        lock (_gate)
        {
            _shortFollows[id] = missing;
        }
    }

    /// <summary>Someone removes the container behind the agent's back.</summary>
    public void RemoveOutside(string id)
    {
        lock (_gate)
        {
            _containers.Remove(id);
        }
        Changed?.Invoke();
    }

    public Task<DockerHostInfo> GetHostInfoAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new DockerHostInfo(2, 4L << 30, "x86_64", "fake", new System.Version(1, 41)));

    public Task WarmUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IPAddress?> GetBridgeGatewayAsync(CancellationToken cancellationToken) => Task.FromResult<IPAddress?>(null);

    public Task<string?> EnsureImageAsync(string image, TimeSpan pullTimeout, CancellationToken cancellationToken)
    {
        Record($"pull {image}");
        lock (_gate)
        {
            return Task.FromResult(_images.Contains(image)
                ? null
                : $"CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref docker.io/{image}: not found");
        }
    }

    public Task<string> CreateContainerAsync(CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        var name = parameters.Labels!.TryGetValue(DockerLabels.ContainerName, out var n) ? n : parameters.Name!;
        Record($"create {name}");
        if (RefuseCreate(name) is { } message)
        {
            throw new DockerApiException(HttpStatusCode.BadRequest, JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message }));
        }
        Container container;
        lock (_gate)
        {
            container = new Container($"fake{++_created:D4}", parameters.Name!, name, new Dictionary<string, string>(parameters.Labels),
                parameters.Healthcheck?.Test is { Count: > 0 } test && test[0] != "NONE");
            _containers.Add(container.Id, container);
        }
        Changed?.Invoke();
        return Task.FromResult(container.Id);
    }

    public Task StartContainerAsync(string id, CancellationToken cancellationToken)
    {
        var c = Find(id) ?? throw new DockerContainerNotFoundException(HttpStatusCode.NotFound, $$"""{"message":"No such container: {{id}}"}""");
        Record($"start {c.EcsName}");
        if (RefuseStart(c.EcsName) is { } message)
        {
            throw new DockerApiException(HttpStatusCode.BadRequest, JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message }));
        }
        if (StartLeavesCreated.Contains(c.EcsName))
        {
            return Task.CompletedTask;
        }
        Change(id, container =>
        {
            container.Start();
            if (ExitOnStart.TryGetValue(container.EcsName, out var code))
            {
                container.Exit(code);
            }
        });
        return Task.CompletedTask;
    }

    public Task StopContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var c = Find(id);
        Record($"stop {c?.EcsName ?? id} {timeout.TotalSeconds}s");
        if (c is not null)
        {
            Change(id, container =>
            {
                if (container.Phase == ContainerPhase.Running)
                {
                    container.Exit(IgnoreSigterm.Contains(container.EcsName) ? 137 : 0);
                }
            });
        }
        return Task.CompletedTask;
    }

    public Task RemoveContainerAsync(string id, CancellationToken cancellationToken)
    {
        Record($"remove {Find(id)?.EcsName ?? id}");
        lock (_gate)
        {
            _containers.Remove(id);
        }
        return Task.CompletedTask;
    }

    public Task<ContainerObservation?> InspectAsync(string id, CancellationToken cancellationToken)
    {
        var c = Find(id);
        Record($"inspect {c?.EcsName ?? id}");
        lock (_gate)
        {
            return Task.FromResult(c?.Observe());
        }
    }

    public Task<IReadOnlyList<ContainerListResponse>> ListContainersAsync(IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        Record($"list {string.Join(',', labels.Values)}");
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ContainerListResponse>>(_containers.Values
                .Where(c => labels.All(l => c.Labels.GetValueOrDefault(l.Key) == l.Value))
                .Select(c => new ContainerListResponse
                {
                    ID = c.Id,
                    Names = ["/" + c.DockerName],
                    Labels = c.Labels,
                    Created = c.CreatedAt,
                    State = c.Phase switch { ContainerPhase.Running => "running", ContainerPhase.Created => "created", _ => "exited" },
                }).ToList());
        }
    }

    public Task<bool> VolumeExistsAsync(string name, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_volumes.ContainsKey(name));
        }
    }

    public Task CreateVolumeAsync(string name, string? driver, IReadOnlyDictionary<string, string>? driverOptions,
        IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        Record($"create volume {name}");
        lock (_gate)
        {
            _volumes.TryAdd(name, labels.ToDictionary(l => l.Key, l => l.Value));
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<(string Name, IDictionary<string, string> Labels)>> ListVolumesAsync(
        IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<(string, IDictionary<string, string>)>>(_volumes
                .Where(v => labels.All(l => v.Value.TryGetValue(l.Key, out var value) && value == l.Value))
                .Select(v => (v.Key, v.Value)).ToList());
        }
    }

    public Task RemoveVolumeAsync(string name, CancellationToken cancellationToken)
    {
        Record($"remove volume {name}");
        lock (_gate)
        {
            _volumes.Remove(name);
        }
        return Task.CompletedTask;
    }

    /// <summary>The tests poke task managers through <see cref="Changed"/>; the stream only ends with the agent.</summary>
    public Task MonitorEventsAsync(string agentNamespace, string since, Action<Message> onEvent, CancellationToken cancellationToken) =>
        Task.Delay(Timeout.Infinite, cancellationToken);

    /// <summary>The fake's containers write no output.</summary>
    /// <summary>What the container wrote from <paramref name="sinceNanos"/>; a read of a running container ends at what is written so far.</summary>
    public Task<Stream?> OpenLogsAsync(string id, long? sinceNanos, CancellationToken cancellationToken)
    {
        List<DockerLogLine> lines;
        var stopped = false;
        lock (_gate)
        {
            if (!_containers.TryGetValue(id, out var container))
            {
                return Task.FromResult<Stream?>(null);
            }
            lines = _output.GetValueOrDefault(id, []).Where(l => l.TimestampNanos >= (sinceNanos ?? long.MinValue)).ToList();
            if (container.Phase == ContainerPhase.Running && _shortFollows.Remove(id, out var missing))
            {
                lines = lines[..^missing];
                container.Exit(0);
                stopped = true;
            }
        }
        if (stopped)
        {
            Changed?.Invoke();
        }
        return Task.FromResult<Stream?>(new MemoryStream(DockerLogFrames.Of(lines)));
    }

    public Task ConnectNetworkAsync(string network, string id, string ipv4Address, string macAddress, CancellationToken cancellationToken)
    {
        Record($"connect {id} {network} {ipv4Address}");
        return Task.CompletedTask;
    }

    public Task DisconnectNetworkAsync(string network, string id, CancellationToken cancellationToken)
    {
        Record($"disconnect {id} {network}");
        return Task.CompletedTask;
    }

    public Task EnsureNetworkAsync(string name, string cidr, string gateway, IDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        Record($"network {name}");
        return Task.CompletedTask;
    }

    /// <summary>The fake's containers use no resources: Docker's answer for a container it has no stats of.</summary>
    public Task<JsonElement?> GetStatsAsync(string id, CancellationToken cancellationToken, bool oneShot = false) => Task.FromResult<JsonElement?>(null);

    /// <summary>ECS Exec is tested against the real engine (Exec/ExecSessionTests), not against this fake.</summary>
    public Task<ExecProcess> StartExecAsync(string containerId, IReadOnlyList<string> command, bool tty, CancellationToken cancellationToken) =>
        throw new NotSupportedException("FakeDocker runs no commands in containers.");

    public Task ResizeExecAsync(string execId, int columns, int rows, CancellationToken cancellationToken) =>
        throw new NotSupportedException("FakeDocker runs no commands in containers.");

    public Task<long> GetExecExitCodeAsync(string execId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("FakeDocker runs no commands in containers.");

    private Container? Find(string id)
    {
        lock (_gate)
        {
            return _containers.GetValueOrDefault(id);
        }
    }

    private void Record(string call)
    {
        if (Fault(call) is { } fault)
        {
            throw fault;
        }
        lock (_gate)
        {
            _calls.Add(call);
        }
    }

    private void Change(string id, Action<Container> change)
    {
        lock (_gate)
        {
            if (_containers.TryGetValue(id, out var c))
            {
                change(c);
            }
        }
        Changed?.Invoke();
    }

    private sealed class Container(string id, string dockerName, string ecsName, Dictionary<string, string> labels, bool hasHealthCheck)
    {
        public string Id { get; } = id;
        public string DockerName { get; } = dockerName;
        public string EcsName { get; } = ecsName;
        public Dictionary<string, string> Labels { get; } = labels;
        public DateTime CreatedAt { get; } = DateTime.UtcNow;
        public ContainerPhase Phase { get; private set; } = ContainerPhase.Created;
        public DateTimeOffset? StartedAt { get; private set; }
        public int? ExitCode { get; private set; }
        public string Health { get; set; } = "UNKNOWN";

        public void Start()
        {
            Phase = ContainerPhase.Running;
            // As Docker: StartedAt is the last start.
            StartedAt = DateTimeOffset.UtcNow;
        }

        public void Exit(int exitCode, TimeSpan ranFor = default)
        {
            Phase = ContainerPhase.Stopped;
            ExitCode = exitCode;
            StartedAt -= ranFor;
        }

        public ContainerObservation Observe() => new()
        {
            Id = Id,
            DockerName = DockerName,
            Phase = Phase,
            EverStarted = StartedAt is not null,
            ExitCode = Phase == ContainerPhase.Stopped ? ExitCode : null,
            Health = Health,
            HasHealthCheck = hasHealthCheck,
            StartedAt = StartedAt,
            Labels = Labels,
        };
    }
}
