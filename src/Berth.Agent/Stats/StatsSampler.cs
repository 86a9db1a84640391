using Berth.Agent.ControlPlane;
using Berth.Agent.Tasks;
using Berth.Core.Agent;
using Berth.Core.Tasks;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Stats;

/// <summary>
/// Every <see cref="AgentOptions.StatsInterval"/>, reads Docker's stats of each running task's containers and
/// sends the task's CPU units and memory in use to the server, which aggregates them into CloudWatch metrics.
/// A task is reported once each of its running containers has two readings to take the CPU difference of.
/// </summary>
internal sealed partial class StatsSampler(AgentRuntime runtime, TaskEngine engine, IControlPlane controlPlane)
{
    private readonly ILogger _logger = runtime.LoggerFactory.CreateLogger<StatsSampler>();
    private readonly Dictionary<string, ContainerStatsReading> _previous = new(StringComparer.Ordinal);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(runtime.Options.StatsInterval, runtime.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    var instanceArn = runtime.State.Snapshot().ContainerInstanceArn;
                    var samples = await SampleAsync(cancellationToken).ConfigureAwait(false);
                    if (instanceArn is not null && samples.Count > 0)
                    {
                        await controlPlane.ReportStatsAsync(new AgentStatsReport { ContainerInstanceArn = instanceArn, Tasks = samples }, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // A lost batch is a gap in the metrics, not a fault to recover: the next tick samples afresh.
                    LogSampleFailed(_logger, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<List<TaskStatsSample>> SampleAsync(CancellationToken cancellationToken)
    {
        var samples = new List<TaskStatsSample>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var taskArn in engine.TaskArns)
        {
            if (engine.Find(taskArn)?.View is not { KnownStatus: TaskStatuses.Running } view)
            {
                continue;
            }
            double cpuUnits = 0, memoryMiB = 0;
            var complete = true;
            DateTimeOffset? latest = null;
            foreach (var container in view.Containers.Where(c => c.KnownStatus == TaskStatuses.Running && c.RuntimeId is not null))
            {
                var stats = await runtime.Docker.GetStatsAsync(container.RuntimeId!, cancellationToken, oneShot: true).ConfigureAwait(false);
                if (stats is not { } json || ContainerStatsReading.Parse(json, runtime.Time.GetUtcNow()) is not { } reading)
                {
                    complete = false;
                    continue;
                }
                seen.Add(container.RuntimeId!);
                if (_previous.TryGetValue(container.RuntimeId!, out var previous))
                {
                    cpuUnits += reading.CpuUnitsSince(previous);
                }
                else
                {
                    complete = false;
                }
                _previous[container.RuntimeId!] = reading;
                memoryMiB += reading.MemoryBytes / (1024 * 1024);
                latest = latest is null || reading.ReadAt > latest ? reading.ReadAt : latest;
            }
            if (complete && latest is { } timestamp)
            {
                samples.Add(new TaskStatsSample { TaskArn = taskArn, Timestamp = timestamp, CpuUnits = cpuUnits, MemoryMiB = memoryMiB });
            }
        }
        foreach (var gone in _previous.Keys.Where(id => !seen.Contains(id)).ToList())
        {
            _previous.Remove(gone);
        }
        return samples;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sample or send container stats; the next interval tries again: {Error}")]
    private static partial void LogSampleFailed(ILogger logger, string error);
}
