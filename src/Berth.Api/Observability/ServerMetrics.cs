using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Berth.Api.Observability;

/// <summary>
/// The server's own instruments (System.Diagnostics.Metrics), exported at <c>GET /metrics</c> in Prometheus
/// format by prometheus-net's meter adapter: API requests by operation and protocol, placements, tasks by state
/// and connected agents. Gauges hold the last values a background sweep counted, as their callbacks cannot do I/O.
/// </summary>
public static class ServerMetrics
{
    public const string MeterName = "Berth.Server";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "berth_api_request_duration", "s", "API request latency by operation, protocol and HTTP status");

    private static readonly Histogram<double> PlacementDuration = Meter.CreateHistogram<double>(
        "berth_scheduler_placement_duration", "s", "RunTask/StartTask placement latency, snapshot to commit");

    private static readonly Counter<long> Placements = Meter.CreateCounter<long>(
        "berth_scheduler_placements", "{task}", "Tasks placed on instances, and placements that failed");

    private static volatile IReadOnlyDictionary<string, long> _tasksByState = new Dictionary<string, long>();
    private static long _agentsConnected;

    static ServerMetrics()
    {
        Meter.CreateObservableGauge("berth_tasks", () => _tasksByState.Select(s => new Measurement<long>(s.Value, new KeyValuePair<string, object?>("state", s.Key))),
            "{task}", "Tasks by last status");
        Meter.CreateObservableGauge("berth_agents_connected", () => Interlocked.Read(ref _agentsConnected),
            "{agent}", "Container instances whose agent polled within the liveness window");
    }

    public static long Start() => Stopwatch.GetTimestamp();

    public static void RecordRequest(string protocol, string operation, int status, long started) =>
        RequestDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new("protocol", protocol), new("operation", operation), new("status", status));

    public static void RecordPlacement(long started, int placed, int failed)
    {
        PlacementDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        Placements.Add(placed, new KeyValuePair<string, object?>("outcome", "placed"));
        Placements.Add(failed, new KeyValuePair<string, object?>("outcome", "failed"));
    }

    public static void SetTaskCounts(IReadOnlyDictionary<string, long> byState) => _tasksByState = byState;

    public static void SetAgentsConnected(long count) => Interlocked.Exchange(ref _agentsConnected, count);
}
