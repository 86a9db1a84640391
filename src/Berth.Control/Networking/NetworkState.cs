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
    /// Keeps what an agent found on its engine (<see cref="EngineAttachments"/>); written only when it changed,
    /// so a poll costs no write when nothing started or stopped.
    /// </summary>
    public Task RecordAttachmentsAsync(string instanceArn, IReadOnlyList<AttachedAddress> addresses, IReadOnlyList<string>? taskArns, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            var current = await store.GetAsync(NetworkRecords.Attachments, instanceArn, ct).ConfigureAwait(false);
            if (current is not null && current.Value.Addresses.SequenceEqual(addresses)
                && (current.Value.TaskArns ?? []).SequenceEqual(taskArns ?? [], StringComparer.Ordinal))
            {
                return false;
            }
            await store.CommitAsync([NetworkRecords.PutAttachments(new EngineAttachments(instanceArn, addresses, taskArns), current?.Version ?? 0)], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>
    /// The addresses of a subnet held now, and the stale leases that may be taken over: a lease is held while its
    /// task keeps a claim on an instance; the commit that records the task STOPPED deletes the claim, which
    /// frees the address without touching the lease. An address some container really holds on the subnet's
    /// Docker network of a registered instance's engine, other than the lease's own task, is held too.
    /// </summary>
    internal async Task<SubnetLeases> LeasesAsync(Subnet subnet, CancellationToken cancellationToken)
    {
        var leases = await store.QueryAsync(NetworkRecords.Leases, new RecordQuery(NetworkRecords.Leases.Kind, subnet.SubnetId), cancellationToken).ConfigureAwait(false);
        var held = new HashSet<uint>();
        var stale = new Dictionary<uint, long>();
        var holders = new Dictionary<uint, string>();
        foreach (var lease in leases)
        {
            if (!Ipv4Cidr.TryParseAddress(lease.Value.Address, out var address))
            {
                throw new InvalidDataException($"Lease '{lease.Id}' has an invalid address.");
            }
            holders[address] = lease.Value.TaskArn;
            if (await store.GetAsync(EcsRecords.TaskAssignments, lease.Value.TaskArn, cancellationToken).ConfigureAwait(false) is null)
            {
                stale[address] = lease.Version;
            }
            else
            {
                held.Add(address);
            }
        }
        var engines = new List<EngineAttachments>();
        foreach (var engine in await store.QueryAsync(NetworkRecords.Attachments, new RecordQuery(NetworkRecords.Attachments.Kind, NetworkRecords.RegistryScope), cancellationToken).ConfigureAwait(false))
        {
            // A deregistered instance's engine is no longer Berth's to worry about.
            if (await store.GetAsync(EcsRecords.ContainerInstances, engine.Id, cancellationToken).ConfigureAwait(false) is not null)
            {
                engines.Add(engine.Value);
            }
        }
        held.UnionWith(EngineAttachments.Foreign(engines, subnet.SubnetId, holders));
        return new SubnetLeases(subnet, held, stale);
    }

    // IpPermission holds lists, which records compare by reference: compare the JSON instead.
    private static bool SameGroup(SecurityGroup a, SecurityGroup b) =>
        JsonScratch.SameJson(a, b, StateJsonContext.Default.SecurityGroup);
}
