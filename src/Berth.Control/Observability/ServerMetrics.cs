using System.Diagnostics;
using System.Globalization;
using Prometheus;

namespace Berth.Control.Observability;

/// <summary>
/// The server's own metrics, served at <c>GET /metrics</c> in Prometheus text format (prometheus-net): API
/// requests by protocol and operation, placements, tasks by state, connected agents and the usage tasks reserved per service. The gauges hold what
/// the last background count found.
/// </summary>
public static class ServerMetrics
{
    private static readonly Histogram RequestDuration = Metrics.CreateHistogram(
        "berth_api_request_duration_seconds", "API request latency by protocol, operation and HTTP status",
        new HistogramConfiguration { LabelNames = ["protocol", "operation", "status"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });

    private static readonly Histogram PlacementDuration = Metrics.CreateHistogram(
        "berth_scheduler_placement_duration_seconds", "RunTask placement latency, snapshot to commit",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });

    private static readonly Counter Placements = Metrics.CreateCounter(
        "berth_scheduler_placements_total", "Tasks placed on instances, and placements that failed", "outcome");

    private static readonly Gauge Tasks = Metrics.CreateGauge("berth_tasks", "Tasks by last status", "state");

    private static readonly Gauge AgentsConnected = Metrics.CreateGauge(
        "berth_agents_connected", "Container instances whose agent polled within the liveness window");

    private static readonly Counter VcpuSeconds = Metrics.CreateCounter(
        "berth_task_vcpu_seconds_total", "vCPU-seconds tasks reserved, metered as Fargate bills them (per second, one-minute minimum)", "cluster", "service");

    private static readonly Counter GbSeconds = Metrics.CreateCounter(
        "berth_task_memory_gb_seconds_total", "GB-seconds of memory tasks reserved, metered as Fargate bills them", "cluster", "service");

    private static readonly Gauge ControllerLeaseHeld = Metrics.CreateGauge(
        "berth_controller_lease_held", "Whether this server holds the controller lease and runs the controllers that must run once (1) or not (0)");

    public static long Start() => Stopwatch.GetTimestamp();

    public static void RecordRequest(string protocol, string operation, int status, long started) =>
        RequestDuration.WithLabels(protocol, operation, status.ToString(CultureInfo.InvariantCulture))
            .Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);

    public static void RecordPlacement(long started, int placed, int failed)
    {
        PlacementDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        Placements.WithLabels("placed").Inc(placed);
        Placements.WithLabels("failed").Inc(failed);
    }

    public static void SetTaskCounts(IReadOnlyDictionary<string, long> byState)
    {
        foreach (var (state, count) in byState)
        {
            Tasks.WithLabels(state).Set(count);
        }
    }

    public static void SetAgentsConnected(long count) => AgentsConnected.Set(count);

    public static void SetControllerLeaseHeld(bool held) => ControllerLeaseHeld.Set(held ? 1 : 0);

    /// <summary>
    /// Raises each service's usage counters to the usage counted so far (<c>-</c> for tasks no service started). The
    /// totals only grow (usage of forgotten tasks is kept), so a counter's rate is the service's reservation.
    /// </summary>
    public static void SetUsage(string cluster, string service, double vcpuSeconds, double gbSeconds)
    {
        VcpuSeconds.WithLabels(cluster, service).IncTo(vcpuSeconds);
        GbSeconds.WithLabels(cluster, service).IncTo(gbSeconds);
    }
}
