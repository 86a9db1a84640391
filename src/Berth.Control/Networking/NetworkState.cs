using System.Text.Json;
using Berth.Core.Networking;
using Berth.Core.State;
using Berth.Store;

namespace Berth.Control.Networking;

/// <summary>Reads and writes of the VPC registry (subnets, security groups) and of subnet address leases.</summary>
public sealed class NetworkState(IStateStore store)
{
    /// <summary>
    /// Reads a registry file (the JSON shape of <see cref="NetworkRegistry"/>) for <c>--vpc-config</c>; its
    /// records are added to, or replace, the seeded defaults.
    /// </summary>
    public static NetworkRegistry ReadFile(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), StateJsonContext.Default.NetworkRegistry)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid VPC configuration: {e.Message}", e);
        }
    }

    /// <summary>Validates <paramref name="registry"/> and writes each record that is missing or different.</summary>
    public Task SeedAsync(NetworkRegistry registry, CancellationToken cancellationToken)
    {
        registry.Validate();
        return store.RetryOnConflictAsync(async ct =>
        {
            var writes = new List<RecordWrite>();
            foreach (var subnet in registry.Subnets)
            {
                var current = await store.GetAsync(NetworkRecords.Subnets, subnet.SubnetId, ct).ConfigureAwait(false);
                if (current?.Value != subnet)
                {
                    writes.Add(NetworkRecords.Subnets.Put(subnet.SubnetId, NetworkRecords.RegistryScope, subnet.SubnetId, subnet, current?.Version ?? 0));
                }
            }
            foreach (var group in registry.SecurityGroups)
            {
                var current = await store.GetAsync(NetworkRecords.SecurityGroups, group.GroupId, ct).ConfigureAwait(false);
                if (current is null || !SameGroup(current.Value, group))
                {
                    writes.Add(NetworkRecords.SecurityGroups.Put(group.GroupId, NetworkRecords.RegistryScope, group.GroupId, group, current?.Version ?? 0));
                }
            }
            if (writes.Count > 0)
            {
                await store.CommitAsync(writes, ct).ConfigureAwait(false);
            }
            return writes.Count;
        }, cancellationToken);
    }

    public async Task<NetworkRegistry> LoadAsync(CancellationToken cancellationToken)
    {
        var subnets = await store.QueryAsync(NetworkRecords.Subnets, new RecordQuery(NetworkRecords.Subnets.Kind, NetworkRecords.RegistryScope), cancellationToken).ConfigureAwait(false);
        var groups = await store.QueryAsync(NetworkRecords.SecurityGroups, new RecordQuery(NetworkRecords.SecurityGroups.Kind, NetworkRecords.RegistryScope), cancellationToken).ConfigureAwait(false);
        return new NetworkRegistry { Subnets = subnets.Select(s => s.Value).ToList(), SecurityGroups = groups.Select(g => g.Value).ToList() };
    }

    /// <summary>
    /// The addresses of a subnet held now, and the stale leases that may be taken over: a lease is held while its
    /// task keeps a claim on an instance; the commit that records the task STOPPED deletes the claim, which
    /// frees the address without touching the lease.
    /// </summary>
    internal async Task<SubnetLeases> LeasesAsync(Subnet subnet, CancellationToken cancellationToken)
    {
        var leases = await store.QueryAsync(NetworkRecords.Leases, new RecordQuery(NetworkRecords.Leases.Kind, subnet.SubnetId), cancellationToken).ConfigureAwait(false);
        var held = new HashSet<uint>();
        var stale = new Dictionary<uint, long>();
        foreach (var lease in leases)
        {
            if (!Ipv4Cidr.TryParseAddress(lease.Value.Address, out var address))
            {
                throw new InvalidDataException($"Lease '{lease.Id}' has an invalid address.");
            }
            if (await store.GetAsync(EcsRecords.TaskAssignments, lease.Value.TaskArn, cancellationToken).ConfigureAwait(false) is null)
            {
                stale[address] = lease.Version;
            }
            else
            {
                held.Add(address);
            }
        }
        return new SubnetLeases(subnet, held, stale);
    }

    // IpPermission holds lists, which records compare by reference: compare the JSON instead.
    private static bool SameGroup(SecurityGroup a, SecurityGroup b) =>
        JsonSerializer.Serialize(a, StateJsonContext.Default.SecurityGroup) == JsonSerializer.Serialize(b, StateJsonContext.Default.SecurityGroup);
}
