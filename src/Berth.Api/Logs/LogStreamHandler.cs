using Berth.Api.Protocol;
using Berth.Core.Errors;
using Berth.Core.Logs;
using Berth.Store.Logs;

namespace Berth.Api.Logs;

/// <summary>CreateLogStream, DeleteLogStream and DescribeLogStreams.</summary>
internal sealed class LogStreamHandler(ILogStore store, LogLookup lookup)
{
    private const int MaxDescribe = 50;

    public void Register(JsonService service) => service
        .AddWithoutOutput<CreateLogStreamRequest, CreateLogStreamResponse>(CreateAsync)
        .AddWithoutOutput<DeleteLogStreamRequest, DeleteLogStreamResponse>(DeleteAsync)
        .Add<DescribeLogStreamsRequest, DescribeLogStreamsResponse>(DescribeAsync);

    private async Task CreateAsync(CreateLogStreamRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var name = LogNames.Stream(request.LogStreamName);
        var group = await lookup.GroupAsync(request.LogGroupName, null, context, cancellationToken).ConfigureAwait(false);
        if (!await store.CreateStreamAsync(group.Id, name, context.Now.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false))
        {
            throw LogsErrors.StreamExists();
        }
    }

    private async Task DeleteAsync(DeleteLogStreamRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var group = await lookup.GroupAsync(request.LogGroupName, null, context, cancellationToken).ConfigureAwait(false);
        var stream = await lookup.StreamAsync(group, request.LogStreamName, cancellationToken).ConfigureAwait(false);
        await store.DeleteStreamAsync(stream.Id, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DescribeLogStreamsResponse> DescribeAsync(DescribeLogStreamsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var byTime = request.OrderBy switch
        {
            null or "LogStreamName" => false,
            "LastEventTime" => true,
            var other => throw new InvalidParameterException($"1 validation error detected: Value '{other}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]"),
        };
        if (byTime && request.LogStreamNamePrefix is not null)
        {
            throw new InvalidParameterException("Cannot order by LastEventTime with a logStreamNamePrefix.");
        }
        var group = await lookup.GroupAsync(request.LogGroupName, request.LogGroupIdentifier, context, cancellationToken).ConfigureAwait(false);
        var limit = LogRequests.Limit(request.Limit, MaxDescribe);
        var query = new LogStreamQuery
        {
            Prefix = request.LogStreamNamePrefix,
            ByLastEventTime = byTime,
            Descending = request.Descending == true,
            Limit = limit + 1,
        };
        if (request.NextToken is { } token)
        {
            query = byTime
                ? query with { AfterPosition = LogTokens.Decode(token, "n").Position }
                : query with { AfterName = LogRequests.DecodeName(token) };
        }
        var rows = await store.ListStreamsAsync(group.Id, query, cancellationToken).ConfigureAwait(false);
        var page = rows.Take(limit).ToList();
        string? next = null;
        if (rows.Count > limit)
        {
            var last = page[^1];
            next = byTime
                ? LogTokens.Encode(LogTokens.Next, new LogPosition(last.LastEventTimestamp ?? 0, last.Id))
                : LogRequests.EncodeName(last.Name);
        }
        return new DescribeLogStreamsResponse
        {
            LogStreams = page.Select(s => new LogStream
            {
                LogStreamName = s.Name,
                CreationTime = s.CreationTime,
                FirstEventTimestamp = s.FirstEventTimestamp,
                LastEventTimestamp = s.LastEventTimestamp,
                LastIngestionTime = s.LastIngestionTime,
                Arn = LogNames.StreamArn(context.Scope, group.Name, s.Name),
                StoredBytes = s.StoredBytes,
            }).ToList(),
            NextToken = next,
        };
    }
}
