namespace Berth.Cli.Tests;

/// <summary>The long-running commands give glibc's free heap pages back (docs/performance.md, "Idle memory").</summary>
public sealed class NativeHeapTrimmerTests
{
    [Fact]
    public void Glibc_trims_its_heap()
    {
        // Berth is built and tested on glibc (Debian); elsewhere the trimmer stops at its first tick.
        Assert.True(!OperatingSystem.IsLinux() || NativeHeapTrimmer.TryTrim());
    }
}
