using System.Collections.Concurrent;
using Berth.Control.LoadBalancing;
using Berth.Core.Elb;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// Active health checks: every active target of every target group that a load balancer uses gets
/// <c>GET {HealthCheckPath}</c> on its health check port each HealthCheckIntervalSeconds, with
/// HealthCheckTimeoutSeconds to answer with a code the group's matcher accepts. Outcomes go to the
/// <see cref="TargetHealthRegistry"/>, which applies the thresholds.
/// </summary>
internal sealed partial class HealthChecker(DataPlaneState state, TargetHealthRegistry health, TimeProvider time, ILogger<HealthChecker> logger)
    : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);

    private readonly Dictionary<(string, TargetKey), DateTimeOffset> _nextCheck = [];
    private readonly ConcurrentDictionary<(string, TargetKey), bool> _running = new();

    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        // A fresh connection per check, as ELB's checks are: a pooled connection could hide a listener that stopped accepting.
        PooledConnectionLifetime = TimeSpan.Zero,
    });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            var seen = new HashSet<(string, TargetKey)>();
            foreach (var group in state.Current.TargetGroups.Values.Where(g => g.InUse && g.HealthCheckEnabled))
            {
                foreach (var target in group.Active)
                {
                    var key = (group.Arn, target.Key);
                    seen.Add(key);
                    if (_nextCheck.GetValueOrDefault(key) > now || !_running.TryAdd(key, true))
                    {
                        continue;
                    }
                    _nextCheck[key] = now + TimeSpan.FromSeconds(group.Group.HealthCheckIntervalSeconds ?? 30);
                    _ = CheckAsync(group, target, stoppingToken).ContinueWith(_ => _running.TryRemove(key, out var _), TaskScheduler.Default);
                }
            }
            foreach (var gone in _nextCheck.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                _nextCheck.Remove(gone);
            }
        }
    }

    private async Task CheckAsync(TargetGroupRoute group, TargetEndpoint target, CancellationToken cancellationToken)
    {
        var outcome = await ProbeAsync(group.Group, target, cancellationToken).ConfigureAwait(false);
        var before = health.Get(group.Arn, target.Key)?.State ?? TargetHealthStates.Initial;
        var after = health.Observe(group.Arn, target.Key, outcome, group.Group);
        if (before != after.State)
        {
            LogStateChanged(logger, target.Key.ToString(), group.Arn, after.State, after.Reason);
        }
    }

    private async Task<HealthCheckOutcome> ProbeAsync(TargetGroup group, TargetEndpoint target, CancellationToken cancellationToken)
    {
        var port = TargetGroupRules.HealthCheckPortOf(group, target.Key.Port);
        var uri = new Uri($"http://{target.Address}:{port}{group.HealthCheckPath ?? "/"}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(group.HealthCheckTimeoutSeconds ?? 5));
        try
        {
            using var response = await _client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return HttpCodeMatcher.Parse(group.Matcher?.HttpCode ?? "200").Matches(status)
                ? HealthCheckOutcome.Success
                : HealthCheckOutcome.ResponseCodeMismatch(status);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckOutcome.Timeout;
        }
        catch (HttpRequestException)
        {
            return HealthCheckOutcome.ConnectionFailed;
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Target {Target} of {TargetGroupArn} is {State} ({Reason})")]
    private static partial void LogStateChanged(ILogger logger, string target, string targetGroupArn, string state, string? reason);
}
