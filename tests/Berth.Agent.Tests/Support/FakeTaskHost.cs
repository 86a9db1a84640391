using Berth.Agent.ControlPlane;
using Berth.Agent.Logs;
using Berth.Agent.Networking;
using Berth.Agent.State;
using Berth.Agent.Tasks;
using Berth.Core.Agent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Support;

/// <summary>
/// What an agent gives its task managers (state file, report queue to a scripted control plane, log collector), over a
/// <see cref="FakeDocker"/>; Docker's changes poke the managers as Docker's events would. Task managers started here
/// run until the host stops them, as an agent shutdown would, or they finish.
/// </summary>
internal sealed class FakeTaskHost : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly ILoggerFactory _loggers;
    private readonly ReportQueue _reports;
    private readonly LogCollector _logs;
    private readonly CancellationTokenSource _stopReports = new();
    private readonly Task _reporting;
    private readonly Lock _gate = new();
    private readonly List<(TaskManager Manager, Task Run)> _running = [];
    private CancellationTokenSource _stopManagers = new();

    public FakeTaskHost(ITestOutputHelper output, Func<AgentOptions, AgentOptions>? configure = null)
    {
        _loggers = new TestLoggerFactory(output);
        DataDirectory = Path.Combine(Path.GetTempPath(), "berth-fake-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new AgentOptions { DataDirectory = DataDirectory, AgentNamespace = "fake", DefaultStopTimeout = TimeSpan.FromSeconds(2) };
        options = configure?.Invoke(options) ?? options;
        State = StateStore.Open(DataDirectory, _loggers.CreateLogger<StateStore>());
        _reports = new ReportQueue(Server, TimeProvider.System, _loggers.CreateLogger<ReportQueue>());
        _reports.SetInstance("arn:aws:ecs:us-east-1:000000000000:container-instance/default/fake");
        _reporting = _reports.RunAsync(_stopReports.Token);
        _logs = new LogCollector(null, Docker, Path.Combine(DataDirectory, "logs"), TimeProvider.System, _loggers);
        Runtime = new AgentRuntime
        {
            Options = options,
            Docker = Docker,
            Reports = _reports,
            State = State,
            Logs = _logs,
            Time = TimeProvider.System,
            LoggerFactory = _loggers,
            Cluster = options.Cluster,
            AgentNamespace = options.AgentNamespace!,
            SecurityGroups = new SecurityGroupEnforcer(options.AgentNamespace!, IptablesProcess.RunAsync, _loggers.CreateLogger<SecurityGroupEnforcer>()),
            SandboxPrerequisites = new SandboxPrerequisites(Docker, options.PullTimeout),
            PausePool = new PausePool(Docker, options.Cluster, options.AgentNamespace!, _loggers.CreateLogger<PausePool>()),
        };
        Docker.Changed += () =>
        {
            foreach (var (manager, _) in Running)
            {
                manager.Poke();
            }
        };
    }

    public FakeDocker Docker { get; } = new();
    public FakeControlPlane Server { get; } = new();
    public StateStore State { get; }
    public AgentRuntime Runtime { get; }
    public string DataDirectory { get; }

    private List<(TaskManager Manager, Task Run)> Running
    {
        get
        {
            lock (_gate)
            {
                return _running.ToList();
            }
        }
    }

    /// <summary>A task manager for the assignment (or for the task the state file remembers), running.</summary>
    public (TaskManager Manager, Task Run) Start(TaskAssignment assignment, bool adopt = false)
    {
        var saved = State.Snapshot().Tasks.GetValueOrDefault(assignment.Task.TaskArn!);
        var manager = new TaskManager(Runtime, saved?.Assignment ?? assignment, saved, adopt);
        var token = _stopManagers.Token;
        var run = Task.Run(() => manager.RunAsync(token));
        lock (_gate)
        {
            _running.Add((manager, run));
        }
        return (manager, run);
    }

    /// <summary>Stops every task manager as an agent shutdown does: the containers are left as they are.</summary>
    public async Task StopManagersAsync()
    {
        await _stopManagers.CancelAsync();
        await Task.WhenAll(Running.Select(r => r.Run)).WaitAsync(Timeout);
        lock (_gate)
        {
            _running.Clear();
        }
        _stopManagers.Dispose();
        _stopManagers = new CancellationTokenSource();
    }

    public Task<AgentTaskReport> WaitForReportAsync(TaskAssignment task, Func<AgentTaskReport, bool> match, int after = 0) =>
        Server.WaitForReportAsync(task.Task.TaskArn!, match, Timeout, after);

    public Task<AgentTaskReport> WaitForStatusAsync(TaskAssignment task, string status, int after = 0) =>
        WaitForReportAsync(task, r => r.LastStatus == status, after);

    public async ValueTask DisposeAsync()
    {
        await StopManagersAsync();
        await Runtime.PausePool.DisposeAsync();
        await _stopReports.CancelAsync();
        await _reporting;
        await _logs.DisposeAsync();
        _stopReports.Dispose();
        _stopManagers.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
