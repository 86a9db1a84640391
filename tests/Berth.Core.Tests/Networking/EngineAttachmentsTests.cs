using Berth.Core.Networking;

namespace Berth.Core.Tests.Networking;

public sealed class EngineAttachmentsTests
{
    private const string Subnet = "subnet-a";
    private const string Ours = "arn:aws:ecs:us-east-1:000000000000:task/default/ours";

    [Fact]
    public void An_address_held_by_a_container_of_no_lease_holder_is_foreign()
    {
        var engines = new[]
        {
            Engine(new AttachedAddress(Subnet, "10.200.1.4", "arn:aws:ecs:us-east-1:000000000000:task/default/earlier-run"),
                new AttachedAddress(Subnet, "10.200.1.5", null)),
        };
        Assert.Equal([Address("10.200.1.4"), Address("10.200.1.5")],
            EngineAttachments.Foreign(engines, Subnet, new Dictionary<uint, string>()).Order());
    }

    [Fact]
    public void The_lease_holders_own_container_is_not_foreign_but_another_task_at_its_address_is()
    {
        var engines = new[]
        {
            Engine(new AttachedAddress(Subnet, "10.200.1.4", Ours)),
            Engine(new AttachedAddress(Subnet, "10.200.1.6", "arn:aws:ecs:us-east-1:000000000000:task/default/other")),
        };
        var holders = new Dictionary<uint, string> { [Address("10.200.1.4")] = Ours, [Address("10.200.1.6")] = Ours };
        Assert.Equal([Address("10.200.1.6")], EngineAttachments.Foreign(engines, Subnet, holders));
    }

    [Fact]
    public void Other_subnets_and_unreadable_addresses_are_ignored()
    {
        var engines = new[] { Engine(new AttachedAddress("subnet-b", "10.200.2.4", null), new AttachedAddress(Subnet, "not-an-address", null)) };
        Assert.Empty(EngineAttachments.Foreign(engines, Subnet, new Dictionary<uint, string>()));
    }

    private static EngineAttachments Engine(params AttachedAddress[] addresses) =>
        new("arn:aws:ecs:us-east-1:000000000000:container-instance/default/i", addresses);

    private static uint Address(string text) => Ipv4Cidr.TryParseAddress(text, out var address) ? address : throw new FormatException(text);
}
