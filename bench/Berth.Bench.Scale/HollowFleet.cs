using System.Collections.Concurrent;
using System.Text.Json;
using Berth.Core.Agent;
using Berth.Core.State;

namespace Berth.Bench.Scale;

/// <summary>
/// Container instances that speak the real agent protocol (docs/agent-protocol.md) and run nothing, as
/// Kubernetes' kubemark does for kubelets: each registers with RegisterContainerInstance, long-polls
/// <c>/_berth/agent/v1/poll</c> (its heartbeat) and reports every assignment at once (all of a poll's in one batch, as the agent's report queue does), RUNNING for a task the
/// server wants running and STOPPED for one it wants stopped. One async loop per instance over one HttpClient,
/// so thousands of instances cost a few MB and no thread each (bench/hollow_agent.py uses a thread per instance).
/// The poll and report bodies are Berth.Core's protocol records, serialized as the agent serializes them.
/// </summary>
internal sealed class HollowFleet(EcsClient client, string cluster)
{
    private readonly ConcurrentDictionary<string, byte> _running = new(StringComparer.Ordinal);
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stopping = new();
    private long _pollErrors;
    private long _pollsAnswered;
    private long _tasksListed;
    private long _reportRequests;

    /// <summary>Tasks reported RUNNING so far (each once).</summary>
    public int RunningCount => _running.Count;

    public long PollErrors => Interlocked.Read(ref _pollErrors);

    /// <summary>
    /// The agent traffic so far: polls answered, task entries those answers listed, and report requests. Per task placed
    /// these count the round trips and the answer sizes, which move with timing as CPU per task does, without its noise.
    /// </summary>
    public (long PollsAnswered, long TasksListed, long ReportRequests) Traffic =>
        (Interlocked.Read(ref _pollsAnswered), Interlocked.Read(ref _tasksListed), Interlocked.Read(ref _reportRequests));

    /// <summary>Registers one instance with room for <paramref name="cpu"/> units and <paramref name="memory"/> MiB, and starts its loop.</summary>
    public async Task AddAsync(string instanceId, string availabilityZone, int cpu, int memory)
    {
        var identity = JsonSerializer.Serialize(
            new AgentIdentity { InstanceId = instanceId, AvailabilityZone = availabilityZone, HostAddress = "127.0.0.1" },
            StateJsonContext.Default.AgentIdentity);
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["cluster"] = cluster,
            ["instanceIdentityDocument"] = identity,
            ["totalResources"] = new object[]
            {
                new Dictionary<string, object> { ["name"] = "CPU", ["type"] = "INTEGER", ["integerValue"] = cpu },
                new Dictionary<string, object> { ["name"] = "MEMORY", ["type"] = "INTEGER", ["integerValue"] = memory },
            },
        });
        using var answer = await client.CallAsync("RegisterContainerInstance", body);
        var arn = answer.RootElement.GetProperty("containerInstance").GetProperty("containerInstanceArn").GetString()!;
        lock (_loops)
        {
            _loops.Add(Task.Run(() => RunAsync(arn)));
        }
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        Task[] loops;
        lock (_loops)
        {
            loops = [.. _loops];
        }
        await Task.WhenAll(loops);
    }

    private async Task RunAsync(string arn)
    {
        var version = 0L;
        var reported = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!_stopping.IsCancellationRequested)
        {
            AgentPollResponse answer;
            try
            {
                var poll = new AgentPollRequest { ContainerInstanceArn = arn, AssignmentsVersion = version, WaitSeconds = 20 };
                var text = await client.PostAsync("/_berth/agent/v1/poll",
                    JsonSerializer.Serialize(poll, StateJsonContext.Default.AgentPollRequest), _stopping.Token);
                answer = JsonSerializer.Deserialize(text, StateJsonContext.Default.AgentPollResponse)!;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // The server is busy or going away: the next poll retries, as the agent's does.
                Interlocked.Increment(ref _pollErrors);
                await Task.Delay(1000);
                continue;
            }
            Interlocked.Increment(ref _pollsAnswered);
            Interlocked.Add(ref _tasksListed, answer.Tasks.Count);
            version = answer.AssignmentsVersion;
            // Every task whose status the fleet has not reported yet, in one request, as the agent's report queue sends them.
            var due = answer.Tasks
                .Select(a => (Assignment: a, Wanted: a.Task.DesiredStatus == "STOPPED" ? "STOPPED" : "RUNNING"))
                .Where(d => reported.GetValueOrDefault(d.Assignment.Task.TaskArn!) != d.Wanted)
                .ToList();
            foreach (var batch in due.Chunk(AgentTaskReportBatch.MaxReports))
            {
                if (!await ReportAsync(arn, batch))
                {
                    break;
                }
                foreach (var (assignment, wanted) in batch)
                {
                    reported[assignment.Task.TaskArn!] = wanted;
                    if (wanted == "RUNNING")
                    {
                        _running.TryAdd(assignment.Task.TaskArn!, 0);
                    }
                }
            }
        }
    }

    private async Task<bool> ReportAsync(string arn, IEnumerable<(TaskAssignment Assignment, string Wanted)> due)
    {
        var now = DateTimeOffset.UtcNow;
        var batch = new AgentTaskReportBatch { Reports = [.. due.Select(d => Report(arn, d.Assignment, d.Wanted, now))] };
        Interlocked.Increment(ref _reportRequests);
        try
        {
            await client.PostAsync("/_berth/agent/v1/reports",
                JsonSerializer.Serialize(batch, StateJsonContext.Default.AgentTaskReportBatch), _stopping.Token);
            return true;
        }
        catch (HttpRequestException)
        {
            return false; // resent after the next poll, which lists the task again
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static AgentTaskReport Report(string arn, TaskAssignment assignment, string status, DateTimeOffset now)
    {
        var stopped = status == "STOPPED";
        return new AgentTaskReport
        {
            ContainerInstanceArn = arn,
            TaskArn = assignment.Task.TaskArn!,
            LastStatus = status,
            StartedAt = now,
            ExecutionStoppedAt = stopped ? now : null,
            StoppedReason = stopped ? "Stopped by the hollow agent" : null,
            Containers = [.. (assignment.Task.Containers ?? []).Select((c, i) => new ContainerReport
            {
                Name = c.Name!,
                LastStatus = status,
                RuntimeId = $"hollow-{i}",
                ExitCode = stopped ? 0 : null,
            })],
        };
    }
}
