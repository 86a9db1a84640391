using Berth.Agent.ControlPlane;

namespace Berth.Agent.Tests.ControlPlane;

public sealed class HostSplitTests
{
    [Fact]
    public void An_unsized_pool_and_the_local_agent_each_offer_the_whole_host()
    {
        var split = new HostSplit(null, null, IsPool: true);

        Assert.Equal((2048, 4096), (split.CpuUnitsOf(2048), split.MemoryMiBOf(4096)));
        Assert.Equal((2048, 4096), ((split with { IsPool = false }).CpuUnitsOf(2048), (split with { IsPool = false }).MemoryMiBOf(4096)));
    }

    [Fact]
    public void A_sized_pool_leaves_the_local_agent_the_rest_of_the_host()
    {
        var pool = new HostSplit(1024, 512, IsPool: true);
        var local = pool with { IsPool = false };

        Assert.Equal((1024, 512), (pool.CpuUnitsOf(8192), pool.MemoryMiBOf(16384)));
        Assert.Equal((7168, 15872), (local.CpuUnitsOf(8192), local.MemoryMiBOf(16384)));
    }

    [Fact]
    public void A_pool_sized_past_the_host_keeps_its_size_and_leaves_the_local_agent_nothing()
    {
        var pool = new HostSplit(4096, null, IsPool: true);

        Assert.Equal(4096, pool.CpuUnitsOf(2048));
        Assert.Equal(0, (pool with { IsPool = false }).CpuUnitsOf(2048));
    }
}
