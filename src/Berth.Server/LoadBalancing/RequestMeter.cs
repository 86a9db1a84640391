using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// Measures one request for the access log, only while access logs are on: besides what <see cref="TargetTiming"/>
/// notes, it counts both bodies and when the response starts. ALB's three processing times fall between those moments.
/// </summary>
internal sealed class RequestMeter : TargetTiming
{
    private readonly HttpContext _context;
    private readonly CountingStream _requestBody;
    private readonly CountingResponseBody _responseBody;
    private readonly long _received = Stopwatch.GetTimestamp();
    private long _responding;

    public RequestMeter(HttpContext context, DateTimeOffset now)
    {
        _context = context;
        ReceivedAt = now;
        _requestBody = new CountingStream(context.Request.Body);
        context.Request.Body = _requestBody;
        _responseBody = new CountingResponseBody(context.Features.GetRequiredFeature<IHttpResponseBodyFeature>());
        context.Features.Set<IHttpResponseBodyFeature>(_responseBody);
    }

    public DateTimeOffset ReceivedAt { get; }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var copyBody = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        if (proxyResponse is not null)
        {
            _responding = Stopwatch.GetTimestamp();
        }
        return copyBody;
    }

    /// <summary>The entry for the finished request; <paramref name="target"/> is null when none was chosen.</summary>
    public AccessLogEntry Finish(ListenerRoute listener, int port, TargetGroupRoute? group, TargetEndpoint? target, int matchedRulePriority, DateTimeOffset now)
    {
        var request = _context.Request;
        var connection = _context.Connection;
        var dispatched = Sent != 0;
        var answered = Answered != 0;
        return new AccessLogEntry
        {
            Type = _context.WebSockets.IsWebSocketRequest ? "ws" : HttpProtocol.IsHttp2(request.Protocol) ? "h2" : "http",
            Time = now,
            LoadBalancerArn = listener.LoadBalancerArn,
            Client = $"{connection.RemoteIpAddress}:{connection.RemotePort}",
            Target = target is null ? null : $"{target.Address}:{target.Key.Port}",
            RequestProcessingTime = dispatched ? Stopwatch.GetElapsedTime(_received, Sent).TotalSeconds : -1,
            TargetProcessingTime = TargetResponseSeconds ?? -1,
            ResponseProcessingTime = answered && _responding != 0 ? Stopwatch.GetElapsedTime(Answered, _responding).TotalSeconds : -1,
            ElbStatusCode = _context.Response.StatusCode,
            TargetStatusCode = TargetStatus,
            ReceivedBytes = RequestHeadBytes(request) + _requestBody.Count,
            SentBytes = ResponseHeadBytes(_context.Response) + _responseBody.Count,
            Request = $"{request.Method} http://{request.Host.Host ?? "-"}:{port}{RawTarget()} {Version(request.Protocol)}",
            UserAgent = request.Headers.UserAgent.ToString(),
            TargetGroupArn = group?.Arn,
            TraceId = request.Headers["X-Amzn-Trace-Id"].ToString(),
            MatchedRulePriority = matchedRulePriority,
            RequestCreationTime = ReceivedAt,
            ConnectionTraceId = "TID_" + Convert.ToHexStringLower(System.Text.Encoding.ASCII.GetBytes(connection.Id)),
        };
    }

    /// <summary>The URI as the client sent it, which ALB logs unchanged.</summary>
    private string RawTarget() =>
        _context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : _context.Request.Path + _context.Request.QueryString;

    /// <summary>HTTP/2 is written as ALB writes it, HTTP/2.0.</summary>
    private static string Version(string protocol) => HttpProtocol.IsHttp2(protocol) ? "HTTP/2.0" : protocol;

    /// <summary>Header bytes counted as HTTP/1.1 text (request line, <c>name: value</c> lines, blank line), whatever the protocol.</summary>
    private long RequestHeadBytes(HttpRequest request) =>
        request.Method.Length + 1 + RawTarget().Length + 1 + request.Protocol.Length + 2 + HeaderBytes(request.Headers);

    private static long ResponseHeadBytes(HttpResponse response) =>
        "HTTP/1.1 200 ".Length + ReasonPhrases.GetReasonPhrase(response.StatusCode).Length + 2 + HeaderBytes(response.Headers);

    private static long HeaderBytes(IHeaderDictionary headers)
    {
        long bytes = 2;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                bytes += name.Length + 2 + (value?.Length ?? 0) + 2;
            }
        }
        return bytes;
    }
}
