using System.Collections.Concurrent;
using System.Text.Json;
using Berth.Core.Agent;
using Berth.Core.State;

namespace Berth.Bench.Scale;

/// <summary>
/// Container instances that speak the real agent protocol (docs/agent-protocol.md) and run nothing, as
/// Kubernetes' kubemark does for kubelets: each registers with RegisterContainerInstance, long-polls
/// <c>/_berth/agent/v1/poll</c> (its heartbeat) and reports every assignment at once, RUNNING for a task the
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

    /// <summary>Tasks reported RUNNING so far (each once).</summary>
    public int RunningCount => _running.Count;

    public long PollErrors => Interlocked.Read(ref _pollErrors);

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
            version = answer.AssignmentsVersion;
            foreach (var assignment in answer.Tasks)
            {
                var task = assignment.Task;
                var wanted = task.DesiredStatus == "STOPPED" ? "STOPPED" : "RUNNING";
                if (reported.GetValueOrDefault(task.TaskArn!) != wanted && await ReportAsync(arn, assignment, wanted))
                {
                    reported[task.TaskArn!] = wanted;
                    if (wanted == "RUNNING")
                    {
                        _running.TryAdd(task.TaskArn!, 0);
                    }
                }
            }
        }
    }

    private async Task<bool> ReportAsync(string arn, TaskAssignment assignment, string status)
    {
        var now = DateTimeOffset.UtcNow;
        var stopped = status == "STOPPED";
        var report = new AgentTaskReport
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
        try
        {
            await client.PostAsync("/_berth/agent/v1/report",
                JsonSerializer.Serialize(report, StateJsonContext.Default.AgentTaskReport), _stopping.Token);
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
}
