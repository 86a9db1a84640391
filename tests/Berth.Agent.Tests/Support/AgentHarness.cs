using Berth.Agent.Networking;
using Berth.Core.Agent;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Support;

/// <summary>
/// One real agent on the real Docker engine, with a scripted control plane, its own state directory and its
/// own agent namespace; disposing it stops the agent and removes every container and volume of the namespace.
/// </summary>
internal sealed class AgentHarness : IAsyncDisposable
{
    private readonly TestLoggerFactory _loggers;
    private CancellationTokenSource? _stop;
    private Task? _run;

    private AgentHarness(ITestOutputHelper output, Func<AgentOptions, AgentOptions>? configure)
    {
        _loggers = new TestLoggerFactory(output);
        Namespace = "berth-test-" + Guid.NewGuid().ToString("N")[..12];
        DataDirectory = Path.Combine(Path.GetTempPath(), Namespace);
        var options = new AgentOptions
        {
            Cluster = "default",
            DataDirectory = DataDirectory,
            AgentNamespace = Namespace,
            MetadataPort = 0,
            PollWaitSeconds = 5,
            DefaultStopTimeout = TimeSpan.FromSeconds(2),
            PullTimeout = TimeSpan.FromSeconds(10),
        };
        Options = configure?.Invoke(options) ?? options;
    }

    public FakeControlPlane Server { get; } = new();
    public FakeLogsClient Logs { get; } = new();
    public string Namespace { get; }
    public string DataDirectory { get; }
    public AgentOptions Options { get; }
    public BerthAgent? Agent { get; private set; }

    public static async Task<AgentHarness> StartAsync(ITestOutputHelper output, Func<AgentOptions, AgentOptions>? configure = null)
    {
        await DockerEnvironment.EnsureReadyAsync();
        var harness = new AgentHarness(output, configure);
        await harness.StartAgentAsync();
        return harness;
    }

    /// <summary>Starts an agent on the harness's state directory and waits until it registered.</summary>
    public async Task StartAgentAsync()
    {
        _stop = new CancellationTokenSource();
        Agent = BerthAgent.Create(Options, _loggers, Server, logsClient: Logs);
        var agent = Agent;
        var token = _stop.Token;
        _run = Task.Run(() => agent.RunAsync(token));
        await Agent.Registered.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Stops the agent as a shutdown would; its containers keep running.</summary>
    public async Task StopAgentAsync()
    {
        if (_stop is null || _run is null)
        {
            return;
        }
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(30));
        if (Agent is not null)
        {
            await Agent.DisposeAsync();
        }
        _stop.Dispose();
        _stop = null;
        _run = null;
    }

    public async Task<AgentTaskReport> RunUntilAsync(TaskAssignment assignment, string status, TimeSpan? timeout = null)
    {
        Server.Assign(assignment);
        return await Server.WaitForReportAsync(assignment.Task.TaskArn!, r => r.LastStatus == status, timeout ?? TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAgentAsync();
        }
        finally
        {
            await DockerEnvironment.RemoveNamespaceAsync(Namespace);
            var credentials = IptablesScript.CredentialsChainOf(Namespace);
            HostCommand.Run("iptables", "-t", "nat", "-D", "PREROUTING", "-j", credentials);
            HostCommand.Run("iptables", "-t", "nat", "-F", credentials);
            HostCommand.Run("iptables", "-t", "nat", "-X", credentials);
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
