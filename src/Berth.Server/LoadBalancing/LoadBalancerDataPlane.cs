using System.Net;
using Berth.Control.LoadBalancing;
using Berth.Control.Observability;
using Berth.Core.Concurrency;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// Keeps the proxy in line with ELB state, level-triggered: on every change signal (and every
/// <see cref="ResyncInterval"/> regardless) it reloads the snapshot, starts a <see cref="ListenerHost"/>
/// for each new listener port and stops those whose listener is gone.
/// </summary>
internal sealed partial class LoadBalancerDataPlane(
    DataPlaneLoader loader,
    DataPlaneState state,
    ElbChanges changes,
    TargetHealthRegistry health,
    IHttpForwarder forwarder,
    AccessLog accessLog,
    LoadBalancerTraffic traffic,
    TimeProvider time,
    ILogger<LoadBalancerDataPlane> logger) : BackgroundService
{
    /// <summary>Catches changes committed by another server process, and draining periods that end.</summary>
    private static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<int, ListenerHost> _hosts = [];

    /// <summary>
    /// The listener ports this server could not serve at its last try, each logged once when its streak began. Servers on
    /// one machine take turns on a port (docs/architecture.md, "Running Berth highly available"): the one waiting tries
    /// again every round, and logged an error with its stack trace each time (a line a second per listener, forever).
    /// </summary>
    private readonly HashSet<int> _unserved = [];

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        EnableMultipleHttp2Connections = true,
    });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var picker = new TargetPicker(health);
        var outage = new StoreOutageLog(logger, nameof(LoadBalancerDataPlane));
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before the reload, so a change committed during it wakes the next round.
            var changed = ChangeNotifier.ChangedWithinAsync(changes.Changed, ResyncInterval, time, stoppingToken);
            try
            {
                var snapshot = await loader.LoadAsync(stoppingToken).ConfigureAwait(false);
                state.Current = snapshot;
                await ReconcileHostsAsync(snapshot, picker, stoppingToken).ConfigureAwait(false);
                health.RetainOnly(snapshot.TargetGroups.Values.SelectMany(g => g.Active.Select(t => (g.Arn, t.Key))).ToHashSet());
                outage.Succeeded();
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (!outage.Absorbs(e))
                {
                    LogReloadFailed(logger, e);
                }
            }
            await changed.ConfigureAwait(false);
        }
    }

    private async Task ReconcileHostsAsync(DataPlaneSnapshot snapshot, TargetPicker picker, CancellationToken cancellationToken)
    {
        foreach (var port in _hosts.Keys.Where(p => !snapshot.Listeners.ContainsKey(p)).ToList())
        {
            await _hosts[port].DisposeAsync().ConfigureAwait(false);
            _hosts.Remove(port);
            LogListenerStopped(logger, port);
        }
        foreach (var port in snapshot.Listeners.Keys.Where(p => !_hosts.ContainsKey(p)))
        {
            // A port another process listens on is found by a probe, not by building a host that fails to start.
            if (PortProbe.IsHeld(IPAddress.Loopback, port))
            {
                if (_unserved.Add(port))
                {
                    LogListenerPortHeld(logger, port);
                }
                continue;
            }
            try
            {
                var proxy = new ListenerProxy(port, state, picker, forwarder, _client, health, accessLog, traffic, time, logger);
                _hosts[port] = await ListenerHost.StartAsync(port, proxy, cancellationToken).ConfigureAwait(false);
                _unserved.Remove(port);
                LogListenerStarted(logger, port);
            }
            catch (IOException e)
            {
                // Taken since the probe, or not bindable at all: the next round tries again.
                if (_unserved.Add(port))
                {
                    LogListenerFailed(logger, e, port);
                }
            }
        }
        _unserved.IntersectWith(snapshot.Listeners.Keys);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        foreach (var host in _hosts.Values)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }
        _hosts.Clear();
        _client.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reloading the load balancer configuration failed")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listener serving on 127.0.0.1:{Port}")]
    private static partial void LogListenerStarted(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listener on 127.0.0.1:{Port} stopped")]
    private static partial void LogListenerStopped(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Listener port 127.0.0.1:{Port} is held by another process (on one machine, servers take turns on it); this server serves it once it is free")]
    private static partial void LogListenerPortHeld(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Error, Message = "Listener could not bind 127.0.0.1:{Port}; this server tries again each second")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception, int port);
}
