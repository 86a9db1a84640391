using static Berth.Core.Tests.Placement.PlacementFixtures;

namespace Berth.Core.Tests.Placement;

public sealed class BinpackTests
{
    [Theory]
    // binpack field, then (cpu, memory) left on a, b, c; the instance with the least of that resource wins.
    [InlineData("cpu", 1024, 4096, 512, 8192, 2048, 1024, "b")]
    [InlineData("memory", 1024, 4096, 512, 8192, 2048, 1024, "c")]
    [InlineData("cpu", 300, 4096, 128, 4096, 256, 4096, "b")]
    [InlineData("memory", 1024, 300, 1024, 256, 1024, 257, "b")]
    public void Binpack_prefers_the_fullest_instance_that_fits(string field, int aCpu, int aMem, int bCpu, int bMem, int cCpu, int cMem, string expected)
    {
        var plan = Place(Request(strategies: [Binpack(field)]),
            Instance("a", cpu: aCpu, memory: aMem), Instance("b", cpu: bCpu, memory: bMem), Instance("c", cpu: cCpu, memory: cMem));
        Assert.Equal([expected], Ids(plan));
    }

    [Fact]
    public void Binpack_skips_an_instance_too_full_for_the_task()
    {
        var plan = Place(Request(memory: 512, strategies: [Binpack("memory")]), Instance("a", memory: 511), Instance("b", memory: 600), Instance("c", memory: 4096));
        Assert.Equal(["b"], Ids(plan));
    }

    [Fact]
    public void Binpack_fills_one_instance_before_starting_the_next()
    {
        var plan = Place(Request(count: 5, memory: 1024, strategies: [Binpack("memory")]), Instance("a", memory: 4096), Instance("b", memory: 3072));
        Assert.Equal(["b", "b", "b", "a", "a"], Ids(plan));
    }

    [Fact]
    public void Binpack_ties_go_to_the_lowest_ARN()
    {
        var plan = Place(Request(strategies: [Binpack("cpu")]), Instance("c"), Instance("a"), Instance("b"));
        Assert.Equal(["a"], Ids(plan));
    }

    [Fact]
    public void Binpack_cpu_then_memory_breaks_cpu_ties_on_memory()
    {
        var plan = Place(Request(strategies: [Binpack("cpu"), Binpack("memory")]),
            Instance("a", cpu: 512, memory: 4096), Instance("b", cpu: 512, memory: 2048), Instance("c", cpu: 1024, memory: 256));
        Assert.Equal(["b"], Ids(plan));
    }
}
