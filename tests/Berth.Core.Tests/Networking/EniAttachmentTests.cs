using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Networking;
using Berth.Core.Tasks;

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

    [Fact]
    public void A_stopped_tasks_eni_is_reported_deleted()
    {
        var subnet = NetworkRegistry.Default.FindSubnet("subnet-local-a")!;
        Ipv4Cidr.TryParseAddress("10.200.1.4", out var address);
        var task = EniAttachment.Attach(
            new EcsTask { TaskArn = "arn:task", LastStatus = "RUNNING", DesiredStatus = "RUNNING", Containers = [new Container { Name = "web", LastStatus = "RUNNING" }], Attachments = [] },
            EniAttachment.Create("att-1", "eni-0123456789abcdef0", subnet, address, "us-east-1"));

        var stopped = TaskStateChanges.ApplyReport(task, new AgentTaskReport
        {
            ContainerInstanceArn = "arn:instance",
            TaskArn = "arn:task",
            LastStatus = "STOPPED",
            Containers = [new ContainerReport { Name = "web", LastStatus = "STOPPED" }],
        }, DateTimeOffset.UnixEpoch);

        Assert.Equal("DELETED", Assert.Single(stopped.Attachments!).Status);
        Assert.Equal("DELETED", Assert.Single(TaskStateChanges.MarkLost(task, "gone", DateTimeOffset.UnixEpoch).Attachments!).Status);
    }
}
