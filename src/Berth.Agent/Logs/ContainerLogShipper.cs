using System.Text.RegularExpressions;
using System.Threading.Channels;
using Berth.Agent.ControlPlane;
using Berth.Agent.Docker;
using Berth.Core.Logs;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Logs;

/// <summary>
/// Ships one container's stdout/stderr to its awslogs stream, at least once: Docker's log is read from the last
/// acknowledged position, lines become events (<see cref="LogEventJoiner"/>), events go out in PutLogEvents batches
/// (up to 10,000 events or 1 MB, or whatever arrived within <see cref="Linger"/>), and the position moves only after
/// the server stored a batch. A crash between the server storing a batch and the position file being written sends
/// that batch again (duplicates, never loss). Finishes when the container has stopped and all its output is
/// acknowledged.
/// </summary>
internal sealed partial class ContainerLogShipper
{
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly long MaxSpanMillis = (long)TimeSpan.FromHours(23).TotalMilliseconds;

    private readonly ILogsClient _client;
    private readonly IDockerDriver _docker;
    private readonly AwsLogsOptions _options;
    private readonly Func<LogsCaller> _caller;
    private readonly string _containerId;
    private readonly bool _tty;
    private readonly string _streamName;
    private readonly string _positionPath;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Regex? _startOfEvent;
    private ShippedPosition _position = ShippedPosition.None;

    /// <param name="caller">Where and as whom each call goes, asked again for every call (execution role credentials rotate).</param>
    public ContainerLogShipper(ILogsClient client, IDockerDriver docker, AwsLogsOptions options, Func<LogsCaller> caller, string containerId, bool tty,
        string streamName, string positionPath, TimeProvider time, ILogger logger)
    {
        _client = client;
        _docker = docker;
        _options = options;
        _caller = caller;
        _containerId = containerId;
        _tty = tty;
        _streamName = streamName;
        _positionPath = positionPath;
        _time = time;
        _logger = logger;
        _startOfEvent = StartOfEventOrNull(options.MultilinePattern);
    }

    /// <summary>
    /// The multiline pattern, checked before the container was created (<see cref="LogCollector.PrepareAsync"/>). A
    /// container created by an agent that did not check it still has its output shipped, a line per event.
    /// </summary>
    private Regex? StartOfEventOrNull(string? pattern)
    {
        try
        {
            return pattern is null ? null : AwsLogsOptionRules.StartOfEvent(pattern);
        }
        catch (ArgumentException e)
        {
            LogBadPattern(_logger, e, _containerId);
            return null;
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _position = ShippedPosition.Load(_positionPath);
        await RetryAsync(ct => _client.CreateStreamAsync(_caller(), _options.Group, _streamName, ct), cancellationToken).ConfigureAwait(false);
        while (true)
        {
            // Docker does not follow a stopped container's log: such a read runs to the end of the output.
            var stoppedBeforeRead = await IsStoppedAsync(cancellationToken).ConfigureAwait(false);
            var stream = await _docker.OpenLogsAsync(_containerId, _position.SinceNanos, cancellationToken).ConfigureAwait(false);
            if (stream is null)
            {
                return; // the container is gone, and its output with it
            }
            await using (stream.ConfigureAwait(false))
            {
                await ShipSessionAsync(new DockerLogReader(stream, _tty), final: stoppedBeforeRead, cancellationToken).ConfigureAwait(false);
            }
            if (stoppedBeforeRead)
            {
                LogFinished(_logger, _containerId, _streamName);
                return;
            }
            // A follow ends when the container stops, but Docker 20.10 may end it before the last lines when the
            // reader lags behind (seen under load: 14,041 of 20,000 lines), so a stopped container's log is read once
            // more from the position. Anything else (a daemon restart) is resumed from the position after a pause.
            if (!await IsStoppedAsync(cancellationToken).ConfigureAwait(false))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether the container has stopped (or is gone), so its output is complete.</summary>
    private async Task<bool> IsStoppedAsync(CancellationToken cancellationToken) =>
        (await _docker.InspectAsync(_containerId, cancellationToken).ConfigureAwait(false))?.Phase is null or ContainerPhase.Stopped;

    /// <summary>
    /// One read of Docker's log: a reader fills a channel while its lines are joined into events and sent in batches,
    /// until the stream ends and all is sent. An unfinished multiline event goes out when no line has come for it
    /// within the force-flush interval, or when the read is <paramref name="final"/>; otherwise the next read reads
    /// its lines again, since the position is still before them.
    /// </summary>
    private async Task ShipSessionAsync(DockerLogReader reader, bool final, CancellationToken cancellationToken)
    {
        var lines = Channel.CreateBounded<DockerLogLine>(new BoundedChannelOptions(4 * LogEventBatch.MaxEvents) { SingleReader = true, SingleWriter = true });
        var reading = ReadAsync(reader, lines.Writer, _position, cancellationToken);
        var joiner = new LogEventJoiner(_startOfEvent);
        var events = new List<OutputEvent>();
        var taken = new List<DockerLogLine>(); // the lines joined so far and not yet shipped, in order
        var more = lines.Reader.WaitToReadAsync(cancellationToken).AsTask();
        (DateTimeOffset Since, Task Due)? flush = null; // one timer per unfinished event, however many waits it takes
        while (true)
        {
            if (joiner.PendingSince is { } since && !more.IsCompleted)
            {
                if (flush?.Since != since)
                {
                    var due = since + _options.ForceFlushInterval - _time.GetUtcNow();
                    flush = (since, due > TimeSpan.Zero ? Task.Delay(due, _time, cancellationToken) : Task.CompletedTask);
                }
                await Task.WhenAny(more, flush.Value.Due).ConfigureAwait(false);
                if (!more.IsCompleted)
                {
                    joiner.Flush(events);
                    await SendAsync(events, taken, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }
            if (!await more.ConfigureAwait(false))
            {
                break;
            }
            if (!Take(lines.Reader, joiner, events, taken))
            {
                await Task.Delay(Linger, _time, cancellationToken).ConfigureAwait(false);
                Take(lines.Reader, joiner, events, taken);
            }
            await SendAsync(events, taken, cancellationToken).ConfigureAwait(false);
            more = lines.Reader.WaitToReadAsync(cancellationToken).AsTask();
        }
        if (final)
        {
            joiner.Flush(events);
            await SendAsync(events, taken, cancellationToken).ConfigureAwait(false);
        }
        await reading.ConfigureAwait(false);
    }

    /// <summary>Lines after <paramref name="from"/>: a read from its <see cref="ShippedPosition.SinceNanos"/> repeats some already shipped.</summary>
    private static async Task ReadAsync(DockerLogReader reader, ChannelWriter<DockerLogLine> writer, ShippedPosition from, CancellationToken cancellationToken)
    {
        var shipped = from.ShippedFilter();
        try
        {
            while ((await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) is { Count: > 0 } read)
            {
                foreach (var line in read.Where(l => !shipped(l)))
                {
                    await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                }
            }
            writer.Complete();
        }
        catch (Exception e)
        {
            writer.Complete(e);
        }
    }

    /// <summary>Joins what the channel holds into events, up to a batch's worth. True when the events completed fill a batch.</summary>
    private bool Take(ChannelReader<DockerLogLine> reader, LogEventJoiner joiner, List<OutputEvent> events, List<DockerLogLine> taken)
    {
        var now = _time.GetUtcNow();
        var bytes = events.Sum(e => e.Bytes);
        while (events.Count < LogEventBatch.MaxEvents && bytes < LogEventBatch.MaxBytes)
        {
            if (!reader.TryRead(out var line))
            {
                return false;
            }
            var before = events.Count;
            taken.Add(line);
            joiner.Add(line, now, events);
            for (var i = before; i < events.Count; i++)
            {
                bytes += events[i].Bytes;
            }
        }
        return true;
    }

    /// <summary>
    /// Sends every completed event, in as many PutLogEvents as PutLogEvents' limits take, and empties the list; the lines
    /// they hold leave <paramref name="taken"/>, whose rest belongs to the unfinished event.
    /// </summary>
    private async Task SendAsync(List<OutputEvent> events, List<DockerLogLine> taken, CancellationToken cancellationToken)
    {
        while (events.Count > 0)
        {
            var count = BatchLength(events);
            var batch = events.GetRange(0, count);
            var lineCount = batch.Sum(e => e.Lines);
            await SendBatchAsync(batch, taken.Take(lineCount), cancellationToken).ConfigureAwait(false);
            events.RemoveRange(0, count);
            taken.RemoveRange(0, lineCount);
        }
    }

    /// <summary>How many of the first events one PutLogEvents takes: up to 10,000 and 1 MB, spanning less than 24 hours.</summary>
    private static int BatchLength(List<OutputEvent> events)
    {
        var bytes = 0;
        var count = 0;
        while (count < events.Count && count < LogEventBatch.MaxEvents)
        {
            var next = events[count];
            if (count > 0 && (bytes + next.Bytes > LogEventBatch.MaxBytes || Math.Abs(next.TimestampMillis - events[0].TimestampMillis) > MaxSpanMillis))
            {
                break;
            }
            bytes += next.Bytes;
            count++;
        }
        return count;
    }

    private async Task SendBatchAsync(List<OutputEvent> batch, IEnumerable<DockerLogLine> lines, CancellationToken cancellationToken)
    {
        var position = lines.Aggregate(_position, (p, line) => p.After(line));
        // stdout and stderr are timestamped separately, so they can interleave slightly out of order.
        var events = batch.Select(e => new InputLogEvent { Timestamp = e.TimestampMillis, Message = e.Message })
            .OrderBy(e => e.Timestamp).ToList();
        await RetryAsync(async ct =>
        {
            try
            {
                await _client.PutAsync(_caller(), _options.Group, _streamName, events, ct).ConfigureAwait(false);
            }
            catch (ControlPlaneException e) when (e.ErrorCode == "ResourceNotFoundException")
            {
                // The stream (or group) was deleted under us: make it again as the awslogs driver does, then retry.
                if (_options.CreateGroup)
                {
                    await _client.CreateGroupAsync(_caller(), _options.Group, ct).ConfigureAwait(false);
                }
                await _client.CreateStreamAsync(_caller(), _options.Group, _streamName, ct).ConfigureAwait(false);
                throw;
            }
        }, cancellationToken).ConfigureAwait(false);
        _position = position;
        _position.Save(_positionPath);
    }

    /// <summary>
    /// Retries until the server acknowledges. A refusal of the request itself (not a fault or a missing resource)
    /// will not change on retry: it is logged and the batch is dropped, so one bad batch cannot stall the stream.
    /// </summary>
    private async Task RetryAsync(Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await send(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ControlPlaneException e) when (e.ErrorCode == "AccessDeniedException")
            {
                // The task's execution role may not write here (the awslogs driver on ECS drops such output too).
                LogDenied(_logger, _streamName, e.Message);
                return;
            }
            catch (ControlPlaneException e) when (!e.IsRetryable && e.ErrorCode != "ResourceNotFoundException")
            {
                LogRefused(_logger, e, _streamName);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(200 * Math.Pow(2, attempt), MaxBackoff.TotalMilliseconds));
                LogRetrying(_logger, e, _streamName, delay.TotalSeconds);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shipping logs to {LogStream} failed; retrying in {DelaySeconds} s")]
    private static partial void LogRetrying(ILogger logger, Exception exception, string logStream, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The server refused log events for {LogStream}; the batch is dropped")]
    private static partial void LogRefused(ILogger logger, Exception exception, string logStream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The task's execution role may not write to {LogStream}; its output is dropped: {Reason}")]
    private static partial void LogDenied(ILogger logger, string logStream, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The awslogs multiline pattern of container {ContainerId} does not parse; each line is an event of its own")]
    private static partial void LogBadPattern(ILogger logger, Exception exception, string containerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "All output of container {ContainerId} is shipped to {LogStream}")]
    private static partial void LogFinished(ILogger logger, string containerId, string logStream);
}
