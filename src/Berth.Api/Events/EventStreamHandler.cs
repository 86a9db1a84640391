using System.Globalization;
using System.Text;
using Berth.Api.Protocol;
using Berth.Control.Clusters;
using Berth.Core.Concurrency;
using Berth.Core.Errors;
using Berth.Core.Events;
using Berth.Core.Validation;
using Berth.Store.Events;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Events;

/// <summary>
/// <c>GET /_berth/events</c>: the event log as server-sent events (<c>id:</c> the sequence number, <c>event:</c> the
/// detail type, <c>data:</c> the envelope on one line), for the console and <c>berth events</c>. Query: <c>cluster</c>
/// (name or ARN), <c>type</c>, <c>after</c> (an event id, or <c>latest</c>: only what happens from now on); the standard
/// <c>Last-Event-ID</c> header wins over <c>after</c>, so a reconnecting EventSource resumes where it stopped. It replays
/// what is retained after that id, then follows. Errors come before the stream starts, in ECS's shape.
/// <para>
/// Authorized as Berth's own action <c>berth:ReadEvents</c> on the cluster's ARN, or on <c>*</c> without <c>cluster</c>
/// (the stream then carries every cluster's events). ECS has no such read: its events go to EventBridge, where who
/// sees them is the account's choice, not an ECS read permission; so, as for join tokens, the action is Berth's own.
/// </para>
/// </summary>
internal sealed class EventStreamHandler(
    IEventLog log, ClusterState clusters, RequestContexts contexts, ApiOptions options, TimeProvider time, IHostApplicationLifetime lifetime,
    ILogger<EventStreamHandler> logger)
{
    private const string Operation = "/_berth/events";
    private const string ReadAction = "berth:ReadEvents";
    private const string Latest = "latest";
    private const int BatchSize = 500;
    private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();

    public async Task StreamAsync(HttpContext http)
    {
        var requestId = Guid.NewGuid().ToString();
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        // Server shutdown ends the stream too; otherwise a follower would hold the shutdown for its whole timeout.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        EventLogQuery query;
        try
        {
            var context = await contexts.CreateAsync(http.Request, ReadOnlyMemory<byte>.Empty, requestId, "ecs", stop.Token).ConfigureAwait(false);
            query = await QueryOfAsync(http.Request, context, stop.Token).ConfigureAwait(false);
            await contexts.AuthorizeActionAsync(http.Request, context, ReadAction, query.ClusterArn ?? "*", stop.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (ApiError.From(e, http, Operation, requestId, logger) is { } error)
            {
                await JsonResponses.WriteErrorAsync(http.Response, error.ForJson(queryCompatible: false), JsonResponses.ContentType).ConfigureAwait(false);
            }
            return;
        }
        try
        {
            await FollowAsync(http, query, stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            // The client went away or the server is stopping: the stream just ends.
        }
    }

    private async Task<EventLogQuery> QueryOfAsync(HttpRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var type = request.Query["type"].FirstOrDefault();
        Require.OneOf(type, EcsEventTypes.All, "type");
        var cluster = request.Query["cluster"].FirstOrDefault() is { Length: > 0 } name
            ? (await clusters.ActiveClusterAsync(context.Scope, name, cancellationToken).ConfigureAwait(false)).ClusterArn
            : null;
        var resumeFrom = request.Headers["Last-Event-ID"].FirstOrDefault() is { Length: > 0 } lastEventId ? lastEventId : request.Query["after"].FirstOrDefault();
        var after = resumeFrom == Latest ? await log.LatestSequenceAsync(cancellationToken).ConfigureAwait(false) : SequenceOf(resumeFrom);
        return new EventLogQuery(after, cluster, type, BatchSize);
    }

    private static long SequenceOf(string? text) =>
        text is null ? 0
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence
        : throw new InvalidParameterException($"Invalid event id '{text}': Last-Event-ID and after take the id of an event (after also '{Latest}').");

    private async Task FollowAsync(HttpContext http, EventLogQuery query, CancellationToken cancellationToken)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // Headers go out now (StartAsync alone only buffers them), so a client knows the stream is open before the first event.
        await response.StartAsync(cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var appended = log.Appended;
            var batch = await log.ReadAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (var e in batch)
            {
                await response.Body.WriteAsync(Message(e), cancellationToken).ConfigureAwait(false);
            }
            if (batch.Count > 0)
            {
                query = query with { After = batch[^1].Sequence };
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (batch.Count == query.Limit)
                {
                    continue;
                }
            }
            // A quiet interval gets a heartbeat comment, so proxies and clients see the stream is alive.
            if (!await ChangeNotifier.ChangedWithinAsync(appended, options.EventHeartbeatInterval, time, cancellationToken).ConfigureAwait(false))
            {
                await response.Body.WriteAsync(Heartbeat, cancellationToken).ConfigureAwait(false);
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static byte[] Message(LoggedEvent e) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"id: {e.Sequence}\nevent: {e.DetailType}\ndata: {e.Data}\n\n"));
}
