using Berth.Control.LoadBalancing;
using Berth.Core.Elb;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// What a listener does with each request: match its rules, pick a target group (weighted forward) and
/// a target, and forward with YARP's <see cref="IHttpForwarder"/>. A failure to reach the target counts
/// as a failed health check (passive detection), so a dead target leaves rotation before its next
/// active check.
/// </summary>
internal sealed partial class ListenerProxy(
    int port, DataPlaneState state, TargetPicker picker, IHttpForwarder forwarder, HttpMessageInvoker client,
    TargetHealthRegistry health, ILogger logger)
{
    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromSeconds(60) };

    public async Task HandleAsync(HttpContext context)
    {
        var snapshot = state.Current;
        if (!snapshot.Listeners.TryGetValue(port, out var routing))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        var forward = routing.Route(context.Request.Host.Value ?? "", context.Request.Path.Value ?? "/");
        // ELB answers 503 when a target group has no registered targets.
        if (forward.TargetGroups.Count == 0 ||
            !snapshot.TargetGroups.TryGetValue(forward.Pick(Random.Shared.Next), out var group) ||
            picker.Pick(group) is not { } target)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        target.Started();
        try
        {
            var error = await forwarder.SendAsync(context, target.DestinationPrefix, client, RequestConfig, HttpTransformer.Default).ConfigureAwait(false);
            if (error is ForwarderError.Request or ForwarderError.RequestTimedOut)
            {
                LogTargetFailure(logger, target.Key.ToString(), group.Arn, error);
                health.Observe(group.Arn, target.Key, error is ForwarderError.RequestTimedOut ? HealthCheckOutcome.Timeout : HealthCheckOutcome.ConnectionFailed, group.Group);
            }
        }
        finally
        {
            target.Finished();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxying to target {Target} of {TargetGroupArn} failed: {Error}")]
    private static partial void LogTargetFailure(ILogger logger, string target, string targetGroupArn, ForwarderError error);
}
