using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// Every proxied request's <see cref="HttpTransformer"/> (YARP's default transforms, plus two timestamps): when the
/// request leaves for the target and when the target's response headers arrive, and the target's status code.
/// The load balancer's metrics read them (TargetResponseTime, HTTPCode_Target_*); <see cref="RequestMeter"/> adds
/// what the access log needs.
/// </summary>
internal class TargetTiming : HttpTransformer
{
    /// <summary>When the request left for the target (a <see cref="Stopwatch"/> timestamp), 0 before.</summary>
    protected long Sent { get; private set; }

    /// <summary>When the target's response headers arrived, 0 before.</summary>
    protected long Answered { get; private set; }

    /// <summary>The target's status code; null when no target answered.</summary>
    public int? TargetStatus { get; private set; }

    /// <summary>ELB's TargetResponseTime: from the request leaving to the response headers arriving; null without a response.</summary>
    public double? TargetResponseSeconds => Answered != 0 ? Stopwatch.GetElapsedTime(Sent, Answered).TotalSeconds : null;

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        Sent = Stopwatch.GetTimestamp();
    }

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is not null)
        {
            Answered = Stopwatch.GetTimestamp();
            TargetStatus = (int)proxyResponse.StatusCode;
        }
        return base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }
}
