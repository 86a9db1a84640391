using Berth.Core.Ecs;
using KeyValuePair = Berth.Core.Ecs.KeyValuePair;

namespace Berth.Core.Networking;

/// <summary>
/// The elastic network interface of an awsvpc task as DescribeTasks reports it: one attachment of type
/// ElasticNetworkInterface whose details name the subnet, the interface id, its MAC, private DNS name and
/// private IPv4 address, and the same address in every container's networkInterfaces.
/// </summary>
public static class EniAttachment
{
    public const string Type = "ElasticNetworkInterface";
    public const string SubnetId = "subnetId";
    public const string PrivateIPv4Address = "privateIPv4Address";
    public const string MacAddress = "macAddress";

    public static Attachment Create(string attachmentId, string networkInterfaceId, Subnet subnet, uint address, string region) => new()
    {
        Id = attachmentId,
        Type = Type,
        Status = "ATTACHED",
        Details =
        [
            new KeyValuePair { Name = SubnetId, Value = subnet.SubnetId },
            new KeyValuePair { Name = "networkInterfaceId", Value = networkInterfaceId },
            new KeyValuePair { Name = MacAddress, Value = SubnetAddresses.MacAddressOf(address) },
            new KeyValuePair { Name = "privateDnsName", Value = SubnetAddresses.PrivateDnsNameOf(address, region) },
            new KeyValuePair { Name = PrivateIPv4Address, Value = Ipv4Cidr.FormatAddress(address) },
        ],
    };

    /// <summary>Puts the attachment on the task and its address on every container, as ECS shows awsvpc tasks.</summary>
    public static EcsTask Attach(EcsTask task, Attachment attachment) => task with
    {
        Attachments = [.. task.Attachments ?? [], attachment],
        Containers = (task.Containers ?? []).Select(c => c with
        {
            NetworkInterfaces = [new NetworkInterface { AttachmentId = attachment.Id, PrivateIpv4Address = DetailOf(attachment, PrivateIPv4Address) }],
        }).ToList(),
    };

    /// <summary>A stopped task's interface is gone: ECS then reports its attachment DELETED.</summary>
    public static IReadOnlyList<Attachment>? Deleted(IReadOnlyList<Attachment>? attachments) =>
        attachments?.Select(a => a.Type == Type ? a with { Status = "DELETED" } : a).ToList();

    /// <summary>The task's ENI, if it has one.</summary>
    public static Attachment? Of(EcsTask task) => task.Attachments?.FirstOrDefault(a => a.Type == Type);

    public static string? DetailOf(Attachment attachment, string name) => attachment.Details?.FirstOrDefault(d => d.Name == name)?.Value;
}
