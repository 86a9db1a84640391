using Berth.Core.Ecs;
using Berth.Core.Networking;

namespace Berth.Core.Tests.Networking;

public sealed class EniAttachmentTests
{
    [Fact]
    public void The_attachment_carries_ecs_details_and_every_container_the_address()
    {
        var subnet = NetworkRegistry.Default.FindSubnet("subnet-local-a")!;
        Ipv4Cidr.TryParseAddress("10.200.1.4", out var address);
        var task = new EcsTask { Containers = [new Container { Name = "web" }, new Container { Name = "sidecar" }], Attachments = [] };

        var attached = EniAttachment.Attach(task, EniAttachment.Create("att-1", "eni-0123456789abcdef0", subnet, address, "us-east-1"));

        var eni = Assert.Single(attached.Attachments!);
        Assert.Equal("ElasticNetworkInterface", eni.Type);
        Assert.Equal("ATTACHED", eni.Status);
        Assert.Equal(
            [("subnetId", "subnet-local-a"), ("networkInterfaceId", "eni-0123456789abcdef0"), ("macAddress", "02:42:0a:c8:01:04"),
             ("privateDnsName", "ip-10-200-1-4.ec2.internal"), ("privateIPv4Address", "10.200.1.4")],
            eni.Details!.Select(d => (d.Name, d.Value)));
        Assert.All(attached.Containers!, c => Assert.Equal(
            new NetworkInterface { AttachmentId = "att-1", PrivateIpv4Address = "10.200.1.4" }, Assert.Single(c.NetworkInterfaces!)));
        Assert.Same(eni, EniAttachment.Of(attached));
    }
}
