using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Berth.Agent.ControlPlane;
using Berth.Core.Agent;
using Berth.Core.Ecs;

namespace Berth.Agent.Tests.Support;

/// <summary>
/// A scripted, in-memory control plane: the test assigns tasks and changes desired statuses; the agent's polls
/// see them (long-polling like the server does), and its reports are recorded for assertions.
/// </summary>
internal sealed class FakeControlPlane : IControlPlane
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TaskAssignment> _assignments = new(StringComparer.Ordinal);
    private readonly List<AgentTaskReport> _reports = [];
    private readonly List<int> _reportBatches = [];
    private readonly HashSet<string> _unknownTasks = new(StringComparer.Ordinal);
    private int _failedReportRequests;
    private readonly List<RegisterContainerInstanceRequest> _registrations = [];
    private readonly HashSet<string> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ExecSessionAssignment> _execSessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource<WebSocket>> _execClients = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _assignmentsChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version = 1;

    /// <summary>While true, reports fail as if the server were down (503).</summary>
    public bool FailReports { get; set; }

    public IReadOnlyList<RegisterContainerInstanceRequest> Registrations
    {
        get
        {
            lock (_gate)
            {
                return _registrations.ToList();
            }
        }
    }

    /// <summary>How many reports each report request carried, failed ones included, in order.</summary>
    public IReadOnlyList<int> ReportBatches
    {
        get
        {
            lock (_gate)
            {
                return _reportBatches.ToList();
            }
        }
    }

    /// <summary>Report requests answered 503 while <see cref="FailReports"/> was set.</summary>
    public int FailedReportRequests => Volatile.Read(ref _failedReportRequests);

    /// <summary>Reports of this task are answered "notFound" (and not recorded), as the server answers a task it no longer knows.</summary>
    public void ForgetTask(string taskArn)
    {
        lock (_gate)
        {
            _unknownTasks.Add(taskArn);
        }
    }

    public IReadOnlyList<AgentTaskReport> Reports
    {
        get
        {
            lock (_gate)
            {
                return _reports.ToList();
            }
        }
    }

    public void Assign(TaskAssignment assignment) => Change(() => _assignments[assignment.Task.TaskArn!] = assignment);

    public void SetDesiredStatus(string taskArn, string desiredStatus) => Change(() =>
    {
        var assignment = _assignments[taskArn];
        _assignments[taskArn] = assignment with { Task = assignment.Task with { DesiredStatus = desiredStatus } };
    });

    public void Unassign(string taskArn) => Change(() => _assignments.Remove(taskArn));

    /// <summary>
    /// Hands the agent an exec session in its next poll; completes with the client's end of the session's stream once the
    /// agent joined it (a loopback WebSocket pair stands in for the server's relay).
    /// </summary>
    public Task<WebSocket> OfferExecAsync(ExecSessionAssignment session)
    {
        var client = new TaskCompletionSource<WebSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        Change(() =>
        {
            _execSessions[session.SessionId] = session;
            _execClients[session.SessionId] = client;
        });
        return client.Task;
    }

    public async Task<WebSocket> OpenExecAsync(string sessionId, CancellationToken cancellationToken)
    {
        TaskCompletionSource<WebSocket> client;
        lock (_gate)
        {
            if (!_execSessions.Remove(sessionId) || !_execClients.Remove(sessionId, out client!))
            {
                throw new ControlPlaneException(404, "SessionNotFound", $"Exec session {sessionId} is unknown or already joined.");
            }
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connecting = new TcpClient();
        await connecting.ConnectAsync((IPEndPoint)listener.LocalEndpoint, cancellationToken);
        var accepted = await listener.AcceptTcpClientAsync(cancellationToken);
        client.SetResult(WebSocket.CreateFromStream(accepted.GetStream(), isServer: true, subProtocol: null, keepAliveInterval: Timeout.InfiniteTimeSpan));
        return WebSocket.CreateFromStream(connecting.GetStream(), isServer: false, subProtocol: null, keepAliveInterval: Timeout.InfiniteTimeSpan);
    }

    /// <summary>The scripted control plane has every cluster already.</summary>
    public Task CreateClusterAsync(string clusterName, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<RegisterContainerInstanceResponse> RegisterAsync(RegisterContainerInstanceRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _registrations.Add(request);
            var arn = request.ContainerInstanceArn;
            if (arn is not null && !_instances.Contains(arn))
            {
                throw new ControlPlaneException(400, "InvalidParameterException", $"Unknown container instance {arn}.");
            }
            arn ??= $"arn:aws:ecs:us-east-1:000000000000:container-instance/{request.Cluster}/{Guid.NewGuid():N}";
            _instances.Add(arn);
            return Task.FromResult(new RegisterContainerInstanceResponse { ContainerInstance = new ContainerInstance { ContainerInstanceArn = arn } });
        }
    }

    /// <summary>The joins, as the agent sent them.</summary>
    public List<AgentJoinRequest> Joins { get; } = [];

    /// <summary>What the agent signs with now (<see cref="UseCredentials"/>).</summary>
    public AgentCredentials? Credentials { get; private set; }

    public async Task<AgentJoinResponse> JoinAsync(AgentJoinRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Joins.Add(request);
        }
        var registered = await RegisterAsync(request.Registration, cancellationToken);
        return new AgentJoinResponse
        {
            ContainerInstance = registered.ContainerInstance!,
            Credentials = new AgentKey { AccessKeyId = $"AKIAJOINED{Joins.Count:D10}", SecretAccessKey = "joined-secret" },
        };
    }

    public void UseCredentials(AgentCredentials? credentials) => Credentials = credentials;

    public async Task<AgentPollResponse> PollAsync(AgentPollRequest request, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_gate)
        {
            if (request.AssignmentsVersion != _version)
            {
                return Snapshot();
            }
            changed = _assignmentsChanged.Task;
        }
        await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(request.WaitSeconds), cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Snapshot();
        }
    }

    public Task<IReadOnlyList<AgentTaskReportResult>> ReportAllAsync(IReadOnlyList<AgentTaskReport> reports, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _reportBatches.Add(reports.Count);
            if (FailReports)
            {
                _failedReportRequests++;
                throw new ControlPlaneException(503, "ServerException", "The server is down (scripted).");
            }
            var results = new List<AgentTaskReportResult>();
            foreach (var report in reports)
            {
                var known = !_unknownTasks.Contains(report.TaskArn);
                if (known)
                {
                    _reports.Add(report);
                }
                results.Add(new AgentTaskReportResult { TaskArn = report.TaskArn, Outcome = known ? AgentTaskReportResult.Applied : AgentTaskReportResult.NotFound });
            }
            Signal();
            return Task.FromResult<IReadOnlyList<AgentTaskReportResult>>(results);
        }
    }

    /// <summary>The first report of <paramref name="taskArn"/> (from <paramref name="after"/> on) that satisfies <paramref name="match"/>.</summary>
    public async Task<AgentTaskReport> WaitForReportAsync(string taskArn, Func<AgentTaskReport, bool> match, TimeSpan timeout, int after = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var found = _reports.Skip(after).FirstOrDefault(r => r.TaskArn == taskArn && match(r));
                if (found is not null)
                {
                    return found;
                }
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                var last = Reports.LastOrDefault(r => r.TaskArn == taskArn);
                throw new TimeoutException($"No matching report of {taskArn} within {timeout}. Last: {Describe(last)}");
            }
            await Task.WhenAny(changed, Task.Delay(left));
        }
    }

    public static string Describe(AgentTaskReport? report) => report is null
        ? "(none)"
        : $"{report.LastStatus} reason={report.StoppedReason} code={report.StopCode} containers=[{string.Join("; ", report.Containers.Select(c => $"{c.Name}:{c.LastStatus} exit={c.ExitCode} health={c.HealthStatus} reason={c.Reason}"))}]";

    private AgentPollResponse Snapshot() => new()
    {
        AssignmentsVersion = _version,
        Tasks = _assignments.Values.ToList(),
        ExecSessions = _execSessions.Count > 0 ? _execSessions.Values.ToList() : null,
    };

    private void Change(Action change)
    {
        lock (_gate)
        {
            change();
            _version++;
            Signal();
            var assignmentsChanged = _assignmentsChanged;
            _assignmentsChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            assignmentsChanged.SetResult();
        }
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }

    /// <summary>Stats batches are not what these tests are about: they are accepted and dropped.</summary>
    public Task ReportStatsAsync(AgentStatsReport report, CancellationToken cancellationToken) => Task.CompletedTask;
}
