using Berth.Core.TaskDefinitions;

namespace Berth.Core.Tests.TaskDefinitions;

public class FargateSizesTests
{
    [Theory]
    [InlineData(256, 512)]
    [InlineData(256, 1024)]
    [InlineData(256, 2048)]
    [InlineData(512, 1024)]
    [InlineData(512, 2048)]
    [InlineData(512, 3072)]
    [InlineData(512, 4096)]
    [InlineData(1024, 2048)]
    [InlineData(1024, 5120)]
    [InlineData(1024, 8192)]
    [InlineData(2048, 4096)]
    [InlineData(2048, 9216)]
    [InlineData(2048, 16384)]
    [InlineData(4096, 8192)]
    [InlineData(4096, 17408)]
    [InlineData(4096, 30720)]
    [InlineData(8192, 16384)]
    [InlineData(8192, 20480)]
    [InlineData(8192, 61440)]
    [InlineData(16384, 32768)]
    [InlineData(16384, 40960)]
    [InlineData(16384, 122880)]
    public void Supports_the_documented_cpu_and_memory_pairs(int cpu, int memory)
    {
        Assert.True(FargateSizes.IsSupported(cpu, memory));
    }

    [Theory]
    [InlineData(256, 256)]
    [InlineData(256, 3072)]
    [InlineData(256, 4096)]
    [InlineData(512, 512)]
    [InlineData(512, 1536)]
    [InlineData(512, 5120)]
    [InlineData(1024, 1024)]
    [InlineData(1024, 9216)]
    [InlineData(2048, 3072)]
    [InlineData(2048, 17408)]
    [InlineData(4096, 7168)]
    [InlineData(4096, 31744)]
    [InlineData(8192, 17408)]
    [InlineData(8192, 65536)]
    [InlineData(16384, 36864)]
    [InlineData(16384, 131072)]
    [InlineData(128, 512)]
    [InlineData(768, 2048)]
    [InlineData(32768, 65536)]
    [InlineData(0, 0)]
    public void Refuses_pairs_fargate_does_not_offer(int cpu, int memory)
    {
        Assert.False(FargateSizes.IsSupported(cpu, memory));
    }
}
