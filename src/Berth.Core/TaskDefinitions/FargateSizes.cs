namespace Berth.Core.TaskDefinitions;

/// <summary>
/// The task cpu/memory pairs Fargate supports (ECS developer guide, "Task CPU and memory"): each CPU
/// size allows memory from a minimum to a maximum in fixed steps; 0.25 vCPU allows only 0.5, 1 and 2 GB.
/// </summary>
internal static class FargateSizes
{
    private static readonly Dictionary<int, int[]> MemoryByCpu = new()
    {
        [256] = [512, 1024, 2048],
        [512] = Steps(1024, 4096, 1024),
        [1024] = Steps(2048, 8192, 1024),
        [2048] = Steps(4096, 16384, 1024),
        [4096] = Steps(8192, 30720, 1024),
        [8192] = Steps(16384, 61440, 4096),
        [16384] = Steps(32768, 122880, 8192),
    };

    public static bool IsSupported(int cpu, int memory) =>
        MemoryByCpu.TryGetValue(cpu, out var memories) && memories.Contains(memory);

    private static int[] Steps(int min, int max, int step) =>
        Enumerable.Range(0, ((max - min) / step) + 1).Select(i => min + (i * step)).ToArray();
}
