using Berth.Core.Placement;
using static Berth.Core.Tests.Placement.PlacementFixtures;

namespace Berth.Core.Tests.Placement;

public sealed class PortTests
{
    [Theory]
    // instance TCP in use, instance UDP in use, task TCP, task UDP, expected result
    [InlineData(new[] { 22 }, new int[0], new[] { 80 }, new int[0], "placed")]
    [InlineData(new[] { 22, 80 }, new int[0], new[] { 80 }, new int[0], "RESOURCE:PORTS")]
    [InlineData(new[] { 22, 80 }, new int[0], new[] { 443, 80 }, new int[0], "RESOURCE:PORTS")]
    [InlineData(new[] { 22 }, new[] { 53 }, new int[0], new[] { 53 }, "RESOURCE:PORTS_UDP")]
    [InlineData(new[] { 22, 53 }, new int[0], new int[0], new[] { 53 }, "placed")]
    [InlineData(new[] { 22 }, new[] { 53 }, new[] { 53 }, new int[0], "placed")]
    [InlineData(new[] { 22, 80 }, new[] { 53 }, new[] { 80 }, new[] { 53 }, "RESOURCE:PORTS")]
    public void Fixed_host_ports_must_be_free_per_protocol(int[] usedTcp, int[] usedUdp, int[] needTcp, int[] needUdp, string expected)
    {
        var plan = Place(Request(tcp: needTcp, udp: needUdp), Instance("a", tcp: usedTcp, udp: usedUdp));
        Assert.Equal(expected, plan.Placements.Count == 1 ? "placed" : Assert.Single(plan.Failures).Reason);
    }

    [Fact]
    public void Two_copies_with_the_same_fixed_port_need_two_instances()
    {
        var plan = Place(Request(count: 3, tcp: [8080], strategies: [Binpack("memory")]), Instance("a"), Instance("b"));
        Assert.Equal(["a", "b"], Ids(plan));
        var failure = Assert.Single(plan.Failures);
        Assert.Equal(PlacementFailureReasons.Ports, failure.Reason);
    }

    [Fact]
    public void Two_copies_with_the_same_fixed_udp_port_need_two_instances()
    {
        var plan = Place(Request(count: 2, udp: [514], strategies: [Binpack("memory")]), Instance("a"));
        Assert.Equal(["a"], Ids(plan));
        Assert.Equal(PlacementFailureReasons.PortsUdp, Assert.Single(plan.Failures).Reason);
    }

    [Fact]
    public void Tasks_without_fixed_ports_share_an_instance()
    {
        var plan = Place(Request(count: 3, strategies: [Binpack("memory")]), Instance("a"));
        Assert.Equal(["a", "a", "a"], Ids(plan));
    }

    [Fact]
    public void A_port_conflict_on_one_instance_sends_the_task_to_another()
    {
        var plan = Place(Request(tcp: [80], strategies: [Binpack("memory")]), Instance("a", tcp: [22, 80], memory: 512), Instance("b"));
        Assert.Equal(["b"], Ids(plan));
    }
}
