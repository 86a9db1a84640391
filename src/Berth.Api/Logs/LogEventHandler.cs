using System.Globalization;
using System.Text;
using Berth.Api.Protocol;
using Berth.Core.Errors;
using Berth.Core.Logs;
using Berth.Store.Logs;

namespace Berth.Api.Logs;

/// <summary>PutLogEvents, GetLogEvents and FilterLogEvents.</summary>
internal sealed class LogEventHandler(ILogStore store, LogLookup lookup)
{
    private const int MaxEvents = 10_000;

    /// <summary>GetLogEvents and FilterLogEvents answer at most 1 MB of messages, like CloudWatch Logs.</summary>
    private const int MaxResponseBytes = 1_048_576;

    /// <summary>
    /// How many events one FilterLogEvents call examines before it answers with what it found and a nextToken, so
    /// a rare pattern over millions of events costs several bounded calls instead of one unbounded one (CloudWatch
    /// Logs likewise may answer few or no events with a nextToken).
    /// </summary>
    private const int FilterScanBudget = 200_000;
    private const int FilterScanSlice = 5_000;

    /// <summary>Before any event: where a forward read of a stream starts.</summary>
    private static readonly LogPosition Head = new(-1, 0);

    public void Register(JsonService service) => service
        .Add<PutLogEventsRequest, PutLogEventsResponse>(PutAsync)
        .Add<GetLogEventsRequest, GetLogEventsResponse>(GetAsync)
        .Add<FilterLogEventsRequest, FilterLogEventsResponse>(FilterAsync);

    private async Task<PutLogEventsResponse> PutAsync(PutLogEventsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var group = await lookup.GroupAsync(request.LogGroupName, null, context, cancellationToken).ConfigureAwait(false);
        var stream = await lookup.StreamAsync(group, request.LogStreamName, cancellationToken).ConfigureAwait(false);
        var verdict = LogEventBatch.Check(request.LogEvents, context.Now, group.RetentionInDays);
        var events = new NewLogEvent[verdict.End - verdict.Start];
        for (var i = verdict.Start; i < verdict.End; i++)
        {
            var e = request.LogEvents![i];
            events[i - verdict.Start] = new NewLogEvent(e.Timestamp!.Value, e.Message!);
        }
        await store.AppendAsync(stream, events, context.Now.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
        // Sequence tokens are no longer checked by CloudWatch Logs (2023); it still answers one, and so does Berth.
        return new PutLogEventsResponse
        {
            NextSequenceToken = context.Now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            RejectedLogEventsInfo = verdict.Rejected,
        };
    }

    /// <summary>
    /// One stream's events, oldest first. Without a token it reads from the head (startFromHead) or the newest
    /// page; <c>f/…</c> continues after the page, <c>b/…</c> reads the page before it. An empty forward page
    /// answers the token it was given, which is how clients know they reached the end.
    /// </summary>
    private async Task<GetLogEventsResponse> GetAsync(GetLogEventsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var group = await lookup.GroupAsync(request.LogGroupName, request.LogGroupIdentifier, context, cancellationToken).ConfigureAwait(false);
        var stream = await lookup.StreamAsync(group, request.LogStreamName, cancellationToken).ConfigureAwait(false);
        var limit = LogRequests.Limit(request.Limit, MaxEvents);
        var forward = request.StartFromHead == true;
        LogPosition? after = null, before = null;
        if (request.NextToken is { } token)
        {
            var (direction, position) = LogTokens.Decode(token, "fb");
            forward = direction == LogTokens.Forward;
            if (forward)
            {
                after = position;
            }
            else
            {
                before = position;
            }
        }
        var query = new LogEventQuery
        {
            StartTime = request.StartTime,
            EndTime = request.EndTime, // GetLogEvents excludes events at endTime
            After = after,
            Before = before,
            Descending = !forward,
            Limit = limit,
        };
        var rows = await store.ReadStreamAsync(stream.Id, query, cancellationToken).ConfigureAwait(false);
        var page = WithinResponseSize(rows);
        if (!forward)
        {
            page.Reverse();
        }
        var first = page.Count > 0 ? page[0].Position : before ?? after ?? Head;
        // An empty page going back, or of an empty stream, means nothing lies before: forward reads start at the head.
        var last = page.Count > 0 ? page[^1].Position : after ?? Head;
        return new GetLogEventsResponse
        {
            Events = page.Select(e => new OutputLogEvent { Timestamp = e.Timestamp, Message = e.Message, IngestionTime = e.IngestionTime }).ToList(),
            NextForwardToken = LogTokens.Encode(LogTokens.Forward, last),
            NextBackwardToken = LogTokens.Encode(LogTokens.Backward, first),
        };
    }

    /// <summary>
    /// Events of a group's streams interleaved by time, oldest first, that match the filter pattern, in
    /// [startTime, endTime]. <c>aws logs tail --follow</c> polls this with a moving startTime and drops events it
    /// already printed by eventId, so eventIds are the store's stable sequence numbers.
    /// </summary>
    private async Task<FilterLogEventsResponse> FilterAsync(FilterLogEventsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var pattern = FilterPattern.Parse(request.FilterPattern);
        LogRequests.Refuse(request.LogStreamNames is not null && request.LogStreamNamePrefix is not null,
            "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
        var group = await lookup.GroupAsync(request.LogGroupName, request.LogGroupIdentifier, context, cancellationToken).ConfigureAwait(false);
        var limit = LogRequests.Limit(request.Limit, MaxEvents);
        var streams = await StreamNamesAsync(group, cancellationToken).ConfigureAwait(false);
        IReadOnlyCollection<long>? only = null;
        if (request.LogStreamNames is { } names)
        {
            LogRequests.Refuse(names.Count is 0 or > 100, "logStreamNames must list 1 to 100 streams.");
            only = streams.Where(s => names.Contains(s.Value, StringComparer.Ordinal)).Select(s => s.Key).ToList();
        }
        else if (request.LogStreamNamePrefix is { } prefix)
        {
            only = streams.Where(s => s.Value.StartsWith(prefix, StringComparison.Ordinal)).Select(s => s.Key).ToList();
        }
        var found = new List<StoredLogEvent>();
        if (only is { Count: 0 })
        {
            return new FilterLogEventsResponse { Events = [] };
        }

        var after = request.NextToken is { } token ? LogTokens.Decode(token, "n").Position : (LogPosition?)null;
        var scanned = 0;
        var bytes = 0;
        var exhausted = false;
        var full = false;
        while (!full && scanned < FilterScanBudget)
        {
            var slice = await store.ReadGroupAsync(group.Id, only, new LogEventQuery
            {
                StartTime = request.StartTime,
                EndTime = request.EndTime + 1, // FilterLogEvents includes events at endTime
                After = after,
                Limit = FilterScanSlice,
            }, cancellationToken).ConfigureAwait(false);
            foreach (var e in slice)
            {
                scanned++;
                after = e.Position;
                if (pattern.Matches(e.Message))
                {
                    found.Add(e);
                    bytes += Encoding.UTF8.GetByteCount(e.Message);
                    if (found.Count == limit || bytes >= MaxResponseBytes)
                    {
                        full = true;
                        break;
                    }
                }
            }
            if (slice.Count < FilterScanSlice && !full)
            {
                exhausted = true;
                break;
            }
        }
        return new FilterLogEventsResponse
        {
            Events = found.Select(e => new FilteredLogEvent
            {
                LogStreamName = streams[e.StreamId],
                Timestamp = e.Timestamp,
                Message = e.Message,
                IngestionTime = e.IngestionTime,
                EventId = e.Sequence.ToString(CultureInfo.InvariantCulture),
            }).ToList(),
            NextToken = exhausted ? null : LogTokens.Encode(LogTokens.Next, after!.Value),
        };
    }

    private async Task<Dictionary<long, string>> StreamNamesAsync(LogGroupRow group, CancellationToken cancellationToken)
    {
        var rows = await store.ListStreamsAsync(group.Id, new LogStreamQuery { Limit = int.MaxValue }, cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(s => s.Id, s => s.Name);
    }

    /// <summary>The rows, cut where their messages pass the response size limit (at least one is kept).</summary>
    private static List<StoredLogEvent> WithinResponseSize(IReadOnlyList<StoredLogEvent> rows)
    {
        var page = new List<StoredLogEvent>(rows.Count);
        var bytes = 0;
        foreach (var row in rows)
        {
            bytes += Encoding.UTF8.GetByteCount(row.Message);
            if (page.Count > 0 && bytes > MaxResponseBytes)
            {
                break;
            }
            page.Add(row);
        }
        return page;
    }
}
