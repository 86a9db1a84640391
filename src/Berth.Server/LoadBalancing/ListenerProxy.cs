using Berth.Control.LoadBalancing;
using Berth.Core.Elb;
using Berth.Core.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// What a listener does with each request: match its rules, pick a target group (weighted forward) and
/// a target, and forward with YARP's <see cref="IHttpForwarder"/>. A failure to reach the target counts
/// as a failed health check (passive detection), so a dead target leaves rotation before its next
/// active check. Each request is counted for the load balancer's metrics (<see cref="LoadBalancerTraffic"/>) and,
/// with access logs on, measured and handed to the <see cref="AccessLog"/>.
/// </summary>
internal sealed partial class ListenerProxy(
    int port, DataPlaneState state, TargetPicker picker, IHttpForwarder forwarder, HttpMessageInvoker client,
    TargetHealthRegistry health, AccessLog accessLog, LoadBalancerTraffic traffic, TimeProvider time, ILogger logger)
{
    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromSeconds(60) };

    public async Task HandleAsync(HttpContext context)
    {
        var timing = accessLog.Enabled ? new RequestMeter(context, time.GetUtcNow()) : new TargetTiming();
        var snapshot = state.Current;
        if (!snapshot.Listeners.TryGetValue(port, out var listener))
        {
            // Only while a deleted listener's server shuts down: there is no load balancer left to log for.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        var rule = listener.Routing.Match(context.Request.Host.Value ?? "", context.Request.Path.Value ?? "/");
        var forward = rule?.Action ?? listener.Routing.DefaultAction;
        TargetGroupRoute? group = null;
        var target = forward.TargetGroups.Count > 0 && snapshot.TargetGroups.TryGetValue(forward.Pick(Random.Shared.Next), out group)
            ? picker.Pick(group)
            : null;
        try
        {
            if (group is null || target is null)
            {
                // ELB answers 503 when a target group has no registered targets.
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            await ForwardAsync(context, group, target, timing).ConfigureAwait(false);
        }
        finally
        {
            var now = time.GetUtcNow();
            traffic.Record(new LoadBalancerRequest(listener.LoadBalancerArn, target is null ? null : group?.Arn, context.Response.StatusCode, timing.TargetStatus,
                timing.TargetResponseSeconds, now));
            if (timing is RequestMeter meter)
            {
                accessLog.Add(meter.Finish(listener, port, group, target, rule?.Priority ?? 0, now));
            }
        }
    }

    private async Task ForwardAsync(HttpContext context, TargetGroupRoute group, TargetEndpoint target, HttpTransformer transformer)
    {
        target.Started();
        try
        {
            var error = await forwarder.SendAsync(context, target.DestinationPrefix, client, RequestConfig, transformer).ConfigureAwait(false);
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
