using System.Text;
using Berth.Core.Elb;
using Berth.Core.Logs;
using Berth.Store.Logs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// Drains the <see cref="AccessLog"/> in batches to its destination: lines appended to a file, or events in a
/// CloudWatch Logs group of the load balancer's account and region, one stream per load balancer named by its
/// resource id (the group and stream are created when missing, as the awslogs driver's <c>awslogs-create-group</c>
/// does). Does nothing while access logs are off.
/// </summary>
internal sealed partial class AccessLogWriter(AccessLog log, ILogStore logs, TimeProvider time, ILogger<AccessLogWriter> logger) : BackgroundService
{
    /// <summary>CloudWatch Logs takes at most 10,000 events in one PutLogEvents; a batch never holds more.</summary>
    private const int BatchSize = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (log.Destination is not { } destination)
        {
            return;
        }
        await using var file = destination.FilePath is { } path
            ? new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false))
            : null;
        var batch = new List<AccessLogEntry>(BatchSize);
        try
        {
            while (await log.Entries.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (batch.Count < BatchSize && log.Entries.TryRead(out var entry))
                {
                    batch.Add(entry);
                }
                await WriteAsync(file, destination, batch, stoppingToken).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued is lost, as a load balancer node's unsent entries are.
        }
    }

    private async Task WriteAsync(StreamWriter? file, AccessLogDestination destination, List<AccessLogEntry> batch, CancellationToken cancellationToken)
    {
        try
        {
            if (file is not null)
            {
                foreach (var entry in batch)
                {
                    await file.WriteAsync(entry.ToLine() + "\n").ConfigureAwait(false);
                }
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                foreach (var balancer in batch.GroupBy(e => e.LoadBalancerArn, StringComparer.Ordinal))
                {
                    await AppendAsync(destination.LogGroupName!, balancer.Key, balancer.ToList(), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            LogWriteFailed(logger, e, batch.Count, destination.ToString());
        }
        if (log.TakeDropped() is > 0 and var dropped)
        {
            LogDropped(logger, dropped);
        }
    }

    private async Task AppendAsync(string groupName, string loadBalancerArn, List<AccessLogEntry> entries, CancellationToken cancellationToken)
    {
        var scope = LogScopes.Of(ElbArns.ScopeOf(loadBalancerArn));
        var loadBalancerId = ElbArns.ResourceIdOf(loadBalancerArn);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var group = await logs.FindGroupAsync(scope, groupName, cancellationToken).ConfigureAwait(false)
            ?? await logs.CreateGroupAsync(scope, groupName, now, cancellationToken).ConfigureAwait(false)
            ?? await logs.FindGroupAsync(scope, groupName, cancellationToken).ConfigureAwait(false);
        if (group is null)
        {
            return;
        }
        await logs.CreateStreamAsync(group.Id, loadBalancerId, now, cancellationToken).ConfigureAwait(false);
        if (await logs.FindStreamAsync(group.Id, loadBalancerId, cancellationToken).ConfigureAwait(false) is not { } stream)
        {
            return;
        }
        var events = entries.Select(e => new NewLogEvent(e.Time.ToUnixTimeMilliseconds(), e.ToLine())).OrderBy(e => e.Timestamp).ToList();
        await logs.AppendAsync(stream, events, now, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} access log entries to {Destination} failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count, string destination);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped {Count} access log entries: requests came faster than they could be written")]
    private static partial void LogDropped(ILogger logger, long count);
}
