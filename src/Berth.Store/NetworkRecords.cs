using Berth.Core.Networking;
using Berth.Core.State;

namespace Berth.Store;

/// <summary>
/// The VPC records awsvpc tasks use. Subnets and security groups are kept under one scope: Berth has one
/// local VPC namespace, which an EC2-compatible API can later fill the same way the seed does.
/// </summary>
public static class NetworkRecords
{
    public const string RegistryScope = "ec2";

    /// <summary>Id and sort key: subnet id.</summary>
    public static readonly RecordType<Subnet> Subnets = new("ec2-subnet", StateJsonContext.Default);

    /// <summary>Id and sort key: group id.</summary>
    public static readonly RecordType<SecurityGroup> SecurityGroups = new("ec2-security-group", StateJsonContext.Default);

    /// <summary>Id: <see cref="LeaseId"/>; scope: subnet id; sort key: the address.</summary>
    public static readonly RecordType<SubnetAddressLease> Leases = new("subnet-address", StateJsonContext.Default);

    /// <summary>Id: the container instance ARN; scope: <see cref="RegistryScope"/>; sort key: the instance ARN.</summary>
    public static readonly RecordType<EngineAttachments> Attachments = new("engine-attachments", StateJsonContext.Default);

    public static PutRecord PutAttachments(EngineAttachments attachments, long expectedVersion) =>
        Attachments.Put(attachments.ContainerInstanceArn, RegistryScope, attachments.ContainerInstanceArn, attachments, expectedVersion);

    public static string LeaseId(string subnetId, string address) => $"{subnetId} {address}";

    public static PutRecord PutLease(SubnetAddressLease lease, long expectedVersion) =>
        Leases.Put(LeaseId(lease.SubnetId, lease.Address), lease.SubnetId, lease.Address, lease, expectedVersion);
}
