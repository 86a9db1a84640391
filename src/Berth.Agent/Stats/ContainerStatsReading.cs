using System.Globalization;
using System.Text.Json;

namespace Berth.Agent.Stats;

/// <summary>
/// One reading of Docker's stats for a container: cumulative CPU time and memory in use. CPU use over an
/// interval is the difference of two readings, as <c>docker stats</c> computes it from <c>precpu_stats</c>.
/// </summary>
internal readonly record struct ContainerStatsReading(DateTimeOffset ReadAt, ulong CpuNanoseconds, double MemoryBytes)
{
    private const double CpuUnitsPerCore = 1024;

    /// <summary>Null when Docker has no CPU figures (a container that stopped between listing and reading).</summary>
    public static ContainerStatsReading? Parse(JsonElement stats, DateTimeOffset fallbackTime)
    {
        if (!stats.TryGetProperty("cpu_stats", out var cpu)
            || !cpu.TryGetProperty("cpu_usage", out var usage)
            || !usage.TryGetProperty("total_usage", out var total)
            || !total.TryGetUInt64(out var nanoseconds)
            || nanoseconds == 0)
        {
            return null;
        }
        var readAt = stats.TryGetProperty("read", out var read)
            && DateTimeOffset.TryParse(read.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            && parsed.Year > 1
            ? parsed
            : fallbackTime;
        return new ContainerStatsReading(readAt, nanoseconds, MemoryInUse(stats));
    }

    /// <summary>ECS CPU units used between <paramref name="previous"/> and this reading (1024 = one core busy).</summary>
    public double CpuUnitsSince(ContainerStatsReading previous)
    {
        var wall = (ReadAt - previous.ReadAt).TotalNanoseconds;
        return wall <= 0 || CpuNanoseconds < previous.CpuNanoseconds
            ? 0
            : (CpuNanoseconds - previous.CpuNanoseconds) / wall * CpuUnitsPerCore;
    }

    /// <summary>Usage minus inactive page cache, as the Docker CLI shows it (cgroup v2: inactive_file; v1: total_inactive_file).</summary>
    private static double MemoryInUse(JsonElement stats)
    {
        if (!stats.TryGetProperty("memory_stats", out var memory) || !memory.TryGetProperty("usage", out var usage) || !usage.TryGetDouble(out var bytes))
        {
            return 0;
        }
        if (memory.TryGetProperty("stats", out var detail))
        {
            foreach (var name in new[] { "inactive_file", "total_inactive_file" })
            {
                if (detail.TryGetProperty(name, out var cache) && cache.TryGetDouble(out var cached) && cached < bytes)
                {
                    return bytes - cached;
                }
            }
        }
        return bytes;
    }
}
