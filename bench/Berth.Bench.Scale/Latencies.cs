using System.Collections.Concurrent;

namespace Berth.Bench.Scale;

/// <summary>Latency samples by operation, and their percentiles.</summary>
internal sealed class Latencies
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _samples = new(StringComparer.Ordinal);

    public void Add(string operation, TimeSpan elapsed) =>
        _samples.GetOrAdd(operation, _ => []).Add(elapsed.TotalMilliseconds);

    public IEnumerable<(string Operation, int Count, double P50, double P99)> Summary() =>
        _samples.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair =>
        {
            var sorted = pair.Value.Order().ToArray();
            return (pair.Key, sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99));
        });

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
