using Berth.Core.Agent;

namespace Berth.Control.Tasks;

/// <summary>
/// Applies the reports of agents' concurrent requests together, as a group commit does
/// (<see cref="TurnBatches{TRequest, TResult}"/>): a request that finds another batch of reports being applied waits for
/// it, and the first of those waiting then applies every request queued by then in one
/// <see cref="TaskReports.ApplyTogetherAsync"/> (one read of the tasks nobody kept, one commit). Two thousand agents each
/// reporting the one task its last answer brought then cost a few commits instead of one each: on PostgreSQL a commit is
/// several round trips however many rows it writes. Alone, a request is a batch of one and waits for nothing. Each
/// request is answered with its own reports' outcomes; when the batch's commit loses a race, each request's reports are
/// applied apart, as if it had come alone.
/// </summary>
public sealed class TaskReportBatches(TaskReports reports)
{
    private readonly TurnBatches<Request, IReadOnlyList<TaskReports.Applied>> _batches = new();

    /// <summary>One request's reports, and the tasks its caller knows (<see cref="TaskReports.KnownTask"/>).</summary>
    private sealed record Request(IReadOnlyList<AgentTaskReport> Reports, IReadOnlyDictionary<string, TaskReports.KnownTask> Known);

    /// <summary>
    /// Applies <paramref name="requestReports"/> with those of the requests waiting meanwhile, and answers their outcomes
    /// in order (as <see cref="TaskReports.ApplyAllAsync"/>). Requests from agents and from other callers are batched
    /// apart, since an agent may speak for its own instance's tasks only.
    /// </summary>
    public Task<IReadOnlyList<TaskReports.Applied>> ApplyAsync(
        IReadOnlyList<AgentTaskReport> requestReports, bool fromAgent, IReadOnlyDictionary<string, TaskReports.KnownTask> known, CancellationToken cancellationToken) =>
        _batches.RunAsync(fromAgent ? "agents" : "others", new Request(requestReports, known), batch => ApplyBatchAsync(batch, fromAgent), cancellationToken);

    private async Task ApplyBatchAsync(IReadOnlyList<TurnBatches<Request, IReadOnlyList<TaskReports.Applied>>.Queued> batch, bool fromAgent)
    {
        // Not any one caller's token: the batch answers them all, including those whose requests are still waiting.
        var cancellationToken = CancellationToken.None;
        if (batch.Count == 1)
        {
            batch[0].Answer(await reports.ApplyAllAsync(batch[0].Request.Reports, fromAgent, batch[0].Request.Known, cancellationToken).ConfigureAwait(false));
            return;
        }
        var known = new Dictionary<string, TaskReports.KnownTask>(StringComparer.Ordinal);
        foreach (var (taskArn, task) in batch.SelectMany(queued => queued.Request.Known))
        {
            known.TryAdd(taskArn, task);
        }
        var outcomes = await reports.ApplyTogetherAsync([.. batch.SelectMany(queued => queued.Request.Reports)], fromAgent, known, cancellationToken)
            .ConfigureAwait(false);
        var first = 0;
        foreach (var queued in batch)
        {
            // A lost race is one request's task moved, most likely: the others' reports still commit together.
            queued.Answer(outcomes?.Skip(first).Take(queued.Request.Reports.Count).ToList()
                ?? await reports.ApplyAllAsync(queued.Request.Reports, fromAgent, queued.Request.Known, cancellationToken).ConfigureAwait(false));
            first += queued.Request.Reports.Count;
        }
    }
}
