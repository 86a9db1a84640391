using Berth.Control.Cost;
using Berth.Control.Observability;
using Berth.Core.Cost;
using Berth.Server.Controllers;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Metrics;

/// <summary>
/// Publishes every service's vCPU-seconds and GB-seconds (<see cref="UsageMeter"/>, all accounts) to the server's
/// <c>/metrics</c>. Reading the ledger reads every task, so it runs each minute rather than with each metrics round.
/// </summary>
internal sealed class UsageMetricsPublisher(UsageLedger ledger, TimeProvider time, ILogger<UsageMetricsPublisher> logger)
    : PeriodicController(TimeSpan.FromMinutes(1), time, logger)
{
    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var usages = await ledger.ReadAsync(null, cancellationToken).ConfigureAwait(false);
        foreach (var service in usages.GroupBy(u => (Cluster: u.ClusterArn, Service: u.ServiceName ?? "-")))
        {
            var seconds = service.Select(u => (Usage: u, Seconds: UsageMeter.SecondsWithin(u, now, DateTimeOffset.MinValue, DateTimeOffset.MaxValue))).ToList();
            ServerMetrics.SetUsage(service.Key.Cluster, service.Key.Service, seconds.Sum(s => s.Usage.Vcpu * s.Seconds), seconds.Sum(s => s.Usage.MemoryGb * s.Seconds));
        }
    }
}
