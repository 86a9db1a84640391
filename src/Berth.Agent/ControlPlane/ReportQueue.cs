using System.Threading.Channels;
using Berth.Core.Agent;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.ControlPlane;

/// <summary>
/// Delivers task reports to the control plane, retrying until each is acknowledged; everything pending goes in one
/// request (up to <see cref="AgentTaskReportBatch.MaxReports"/>, oldest first), which the server applies in one commit.
/// A report is a whole snapshot of a task and statuses only move forward, so a newer report for a task replaces an unsent
/// older one: the server never misses the latest state, and a long outage does not pile up a backlog.
/// </summary>
internal sealed partial class ReportQueue(IControlPlane controlPlane, TimeProvider time, ILogger<ReportQueue> logger)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(15);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Sequence, AgentTaskReport Report)> _pending = new(StringComparer.Ordinal);
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;
    private volatile string? _instanceArn;

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Reports wait until the instance is registered; they carry its ARN (re-registration may change it).</summary>
    public void SetInstance(string containerInstanceArn)
    {
        _instanceArn = containerInstanceArn;
        _registered.TrySetResult();
        _signal.Writer.TryWrite(true);
    }

    public void Enqueue(AgentTaskReport report)
    {
        lock (_gate)
        {
            _pending[report.TaskArn] = (++_sequence, report);
        }
        _signal.Writer.TryWrite(true);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _registered.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            var delay = FirstRetry;
            while (await _signal.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _signal.Reader.TryRead(out _);
                while (NextBatch() is { Count: > 0 } batch)
                {
                    if (await TrySendAsync(batch, cancellationToken).ConfigureAwait(false))
                    {
                        Remove(batch);
                        delay = FirstRetry;
                        continue;
                    }
                    await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastRetry.Ticks));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>True when the reports are done with: each acknowledged or refused for good.</summary>
    private async Task<bool> TrySendAsync(IReadOnlyList<(long Sequence, AgentTaskReport Report)> batch, CancellationToken cancellationToken)
    {
        var instanceArn = _instanceArn!;
        try
        {
            var results = await controlPlane.ReportAllAsync([.. batch.Select(p => p.Report with { ContainerInstanceArn = instanceArn })], cancellationToken).ConfigureAwait(false);
            foreach (var (result, (_, report)) in results.Zip(batch))
            {
                if (result.Outcome == AgentTaskReportResult.Applied)
                {
                    LogReported(logger, report.TaskArn, report.LastStatus);
                }
                else
                {
                    // The server no longer knows the task here: sending the report again cannot help.
                    LogRefused(logger, report.TaskArn, report.LastStatus, result.Outcome);
                }
            }
            return true;
        }
        catch (ControlPlaneException e) when (!e.IsRetryable)
        {
            // The server refused the request itself: sending it again cannot help.
            foreach (var (_, report) in batch)
            {
                LogRefused(logger, report.TaskArn, report.LastStatus, e.Message);
            }
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogRetry(logger, batch.Count, e.Message);
            return false;
        }
    }

    /// <summary>The oldest pending reports, as many as one request carries.</summary>
    private List<(long Sequence, AgentTaskReport Report)> NextBatch()
    {
        lock (_gate)
        {
            return [.. _pending.Values.OrderBy(p => p.Sequence).Take(AgentTaskReportBatch.MaxReports)];
        }
    }

    private void Remove(IReadOnlyList<(long Sequence, AgentTaskReport Report)> sent)
    {
        lock (_gate)
        {
            foreach (var (sequence, report) in sent)
            {
                // A newer report that arrived while this one was in flight stays queued.
                if (_pending.TryGetValue(report.TaskArn, out var pending) && pending.Sequence == sequence)
                {
                    _pending.Remove(report.TaskArn);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reported {TaskArn} as {LastStatus}")]
    private static partial void LogReported(ILogger logger, string taskArn, string lastStatus);

    [LoggerMessage(Level = LogLevel.Error, Message = "The server refused the {LastStatus} report of {TaskArn}; dropping it: {Error}")]
    private static partial void LogRefused(ILogger logger, string taskArn, string lastStatus, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send {Count} task reports; will retry: {Error}")]
    private static partial void LogRetry(ILogger logger, int count, string error);
}
