using System.Globalization;

namespace Berth.Cli;

/// <summary>
/// The machine <c>berth up</c> shares between its local agent and the Fargate pool, as the local Docker engine will
/// report it to them at registration: its logical CPUs and its memory.
/// </summary>
internal sealed record MachineSize(int Cpus, long MemoryMiB)
{
    public long CpuUnits => Cpus * 1024L;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Cpus} vCPUs, {MemoryMiB} MiB");

    /// <summary>This machine: Docker reports the kernel's MemTotal, read here from /proc/meminfo where there is one.</summary>
    public static MachineSize Local() => new(Environment.ProcessorCount, MemTotalMiB() ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024));

    private static long? MemTotalMiB()
    {
        const string Path = "/proc/meminfo";
        if (!File.Exists(Path))
        {
            return null;
        }
        // "MemTotal:       24683784 kB"
        var line = File.ReadLines(Path).FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kib = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var number, "kB"]
            && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : (long?)null;
        return kib / 1024;
    }
}
