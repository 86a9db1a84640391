using System.Text.Json;
using Berth.Api.Protocol;
using Berth.Control.Agents;
using Berth.Control.Clusters;
using Berth.Control.Tasks;
using Berth.Core.Agent;
using Berth.Core.Capacity;
using Berth.Core.ContainerInstances;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.State;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.ContainerInstances;

/// <summary>
/// RegisterContainerInstance, DeregisterContainerInstance, DescribeContainerInstances, ListContainerInstances
/// and UpdateContainerInstancesState.
/// </summary>
internal sealed class ContainerInstanceHandler(ClusterState state, TaskStopper stopper, AgentLiveness liveness, AssignmentSignals signals,
    AgentIdentities identities)
{
    /// <summary>DescribeContainerInstances and UpdateContainerInstancesState take at most 100 instances.</summary>
    private const int MaxInstancesPerCall = 100;

    private IStateStore Store => state.Store;

    public void Register(JsonService service) => service
        .Add<RegisterContainerInstanceRequest, RegisterContainerInstanceResponse>(RegisterAsync)
        .Add<DeregisterContainerInstanceRequest, DeregisterContainerInstanceResponse>(DeregisterAsync)
        .Add<DescribeContainerInstancesRequest, DescribeContainerInstancesResponse>(DescribeAsync)
        .Add<ListContainerInstancesRequest, ListContainerInstancesResponse>(ListAsync)
        .Add<UpdateContainerInstancesStateRequest, UpdateContainerInstancesStateResponse>(UpdateStateAsync);

    /// <summary>
    /// Registration is idempotent for an agent: naming its saved containerInstanceArn, or the same instance id,
    /// re-registers the existing instance (keeping its tasks, status and custom attributes) instead of adding one.
    /// A managed agent names the Fargate pool instead of a cluster (<see cref="ManagedCapacity"/>). An agent signing
    /// with its own identity may only re-register its own instance (<see cref="AgentPrincipal"/>); joining is
    /// <c>/_berth/agent/v1/join</c>'s.
    /// </summary>
    internal async Task<RegisterContainerInstanceResponse> RegisterAsync(
        RegisterContainerInstanceRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = ManagedCapacity.IsPoolCluster(request.Cluster)
            ? ManagedCapacity.PoolCluster(context.Scope)
            : await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        var identity = ParseIdentity(request.InstanceIdentityDocument);
        var registered = ContainerInstanceResources.FromRegistration(request.TotalResources);
        TagRules.Validate(request.Tags);
        foreach (var attribute in request.Attributes ?? [])
        {
            AttributeRules.Validate(attribute);
        }
        var record = await Store.RetryOnConflictAsync(async ct =>
        {
            var existing = await FindExistingAsync(cluster, request.ContainerInstanceArn, identity, ct).ConfigureAwait(false);
            if (AgentPrincipal.IsAgent(context.PrincipalArn) && existing?.Id != context.PrincipalArn)
            {
                throw new AccessDeniedException(
                    $"User: {context.PrincipalArn} is not authorized to register {existing?.Id ?? "a new container instance"}: an agent re-registers its own container instance only");
            }
            var arn = existing?.Id ?? context.Scope.ContainerInstanceArn(cluster.ClusterName!, Guid.NewGuid().ToString("N"));
            var attributes = AttributeRules.Merge(
                existing?.Value.Instance.Attributes,
                [.. request.Attributes ?? [], new EcsAttribute { Name = "ecs.availability-zone", Value = identity.AvailabilityZone }]);
            var instance = (existing?.Value.Instance ?? new ContainerInstance
            {
                ContainerInstanceArn = arn,
                Status = "ACTIVE",
                RegisteredAt = context.Now,
                Attachments = [],
                Tags = request.Tags ?? [],
            }) with
            {
                Ec2InstanceId = identity.InstanceId,
                VersionInfo = request.VersionInfo,
                RegisteredResources = ContainerInstanceResources.ToWire(registered),
                Attributes = attributes,
            };
            var next = new ContainerInstanceRecord(instance, identity, (existing?.Value.AssignmentsVersion ?? 0) + 1);
            var heartbeat = await Store.GetAsync(EcsRecords.AgentHeartbeats, arn, ct).ConfigureAwait(false);
            await Store.CommitAsync(
                [EcsRecords.PutInstance(next, existing?.Version ?? 0), EcsRecords.PutHeartbeat(next, new AgentHeartbeatRecord(context.Now), heartbeat?.Version ?? 0)],
                ct).ConfigureAwait(false);
            return new Versioned<ContainerInstanceRecord>(arn, (existing?.Version ?? 0) + 1, identity.InstanceId, next);
        }, cancellationToken).ConfigureAwait(false);
        signals.Notify(record.Id);
        return new RegisterContainerInstanceResponse { ContainerInstance = await ViewAsync(record, context, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>
    /// An instance with tasks needs force. Its tasks are then recorded as stopped, as ECS stops tracking them;
    /// the agent learns on its next poll that the instance is gone and stops them for real.
    /// </summary>
    private async Task<DeregisterContainerInstanceResponse> DeregisterAsync(
        DeregisterContainerInstanceRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        var instance = await Store.RetryOnConflictAsync(async ct =>
        {
            var record = await state.FindInstanceAsync(cluster, Require.NotBlank(request.ContainerInstance, "containerInstance"), ct).ConfigureAwait(false)
                ?? throw new InvalidParameterException("The specified container instance could not be found.");
            var claims = await state.ClaimsAsync(record.Id, ct).ConfigureAwait(false);
            if (claims.Count > 0 && request.Force != true)
            {
                throw new InvalidParameterException(
                    "The container instance has tasks. Stop them first or deregister with force, which stops tracking them.");
            }
            var view = ContainerInstanceView.Build(record, await ClaimedTasks.OfAsync(Store, claims, ct).ConfigureAwait(false), agentConnected: false);
            var writes = new List<RecordWrite> { EcsRecords.ContainerInstances.Delete(record) };
            if (await Store.GetAsync(EcsRecords.AgentHeartbeats, record.Id, ct).ConfigureAwait(false) is { } heartbeat)
            {
                writes.Add(EcsRecords.AgentHeartbeats.Delete(heartbeat));
            }
            foreach (var claim in claims)
            {
                writes.AddRange(await stopper.StopLostTaskAsync(claim, "Container instance deregistered.", context.Now, ct).ConfigureAwait(false));
            }
            await Store.CommitAsync(writes, ct).ConfigureAwait(false);
            return view with { Status = "INACTIVE", AgentConnected = false };
        }, cancellationToken).ConfigureAwait(false);
        signals.Notify(instance.ContainerInstanceArn!);
        // Its agent's key goes with it: the agent's next request is refused as an unknown key's.
        await identities.RevokeAsync(context.Scope.AccountId, instance.ContainerInstanceArn!, cancellationToken).ConfigureAwait(false);
        return new DeregisterContainerInstanceResponse { ContainerInstance = instance };
    }

    private async Task<DescribeContainerInstancesResponse> DescribeAsync(
        DescribeContainerInstancesRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        var names = request.ContainerInstances ?? [];
        if (names.Count == 0)
        {
            throw new ClientException("Container instance cannot be empty.");
        }
        Require.Count(names, MaxInstancesPerCall, "containerInstances", "container instances");
        foreach (var field in request.Include ?? [])
        {
            Require.OneOf(field, EcsEnums.ContainerInstanceField, "include");
        }
        var withTags = request.Include?.Contains("TAGS") == true;
        var instances = new List<ContainerInstance>();
        var failures = new List<Failure>();
        foreach (var name in names)
        {
            var record = await state.FindInstanceAsync(cluster, name, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                failures.Add(new Failure { Arn = ClusterState.ContainerInstanceArnOf(cluster, name), Reason = "MISSING" });
                continue;
            }
            var view = await ViewAsync(record, context, cancellationToken).ConfigureAwait(false);
            instances.Add(withTags ? view : view with { Tags = null });
        }
        return new DescribeContainerInstancesResponse { ContainerInstances = instances, Failures = failures };
    }

    private async Task<ListContainerInstancesResponse> ListAsync(
        ListContainerInstancesRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        Require.OneOf(request.Status, EcsEnums.ContainerInstanceStatus, "status");
        var filter = request.Filter is { Length: > 0 } expression ? ContainerInstanceFilter.Parse(expression) : null;
        var claimed = new Dictionary<string, ClaimedTasks>(StringComparer.Ordinal);
        if (filter?.NeedsTasks == true)
        {
            foreach (var instance in await state.CurrentInstancesAsync(cluster.ClusterArn!, cancellationToken).ConfigureAwait(false))
            {
                claimed[instance.Id] = await ClaimedTasks.ReadAsync(state, Store, instance.Id, cancellationToken).ConfigureAwait(false);
            }
        }
        var now = context.Now;
        // Read before the page: an instance registered in between counts as disconnected for this one call.
        var lastSeen = filter is null ? null : await Store.LastSeenTimesAsync(cluster.ClusterArn, cancellationToken).ConfigureAwait(false);
        var page = await Paging.ReadAsync(
            Store, EcsRecords.ContainerInstances, new RecordQuery(EcsRecords.ContainerInstances.Kind, cluster.ClusterArn),
            r => (request.Status is null || r.Instance.Status == request.Status)
                && (filter is null || filter.Matches(r, liveness.IsConnected(lastSeen!.Of(r.Instance.ContainerInstanceArn!), now), claimed.GetValueOrDefault(r.Instance.ContainerInstanceArn!, ClaimedTasks.None))),
            request.MaxResults, request.NextToken, cancellationToken).ConfigureAwait(false);
        return new ListContainerInstancesResponse { ContainerInstanceArns = page.Items.Select(i => i.Id).ToList(), NextToken = page.NextToken };
    }

    /// <summary>ACTIVE and DRAINING are the states a user may set; a DRAINING instance gets no new tasks.</summary>
    private async Task<UpdateContainerInstancesStateResponse> UpdateStateAsync(
        UpdateContainerInstancesStateRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        if (request.Status is not ("ACTIVE" or "DRAINING"))
        {
            throw new InvalidParameterException($"Container instance status can only be set to ACTIVE or DRAINING; got '{request.Status}'.");
        }
        var names = request.ContainerInstances ?? [];
        Require.Count(names, MaxInstancesPerCall, "containerInstances", "container instances");
        var instances = new List<ContainerInstance>();
        var failures = new List<Failure>();
        foreach (var name in names)
        {
            var updated = await Store.RetryOnConflictAsync(async ct =>
            {
                var record = await state.FindInstanceAsync(cluster, name, ct).ConfigureAwait(false);
                if (record is null || record.Value.Instance.Status == request.Status)
                {
                    return record;
                }
                var next = record.Value with { Instance = record.Value.Instance with { Status = request.Status } };
                await Store.CommitAsync([EcsRecords.PutInstance(next, record.Version)], ct).ConfigureAwait(false);
                return record with { Version = record.Version + 1, Value = next };
            }, cancellationToken).ConfigureAwait(false);
            if (updated is null)
            {
                failures.Add(new Failure { Arn = ClusterState.ContainerInstanceArnOf(cluster, name), Reason = "MISSING" });
            }
            else
            {
                instances.Add(await ViewAsync(updated, context, cancellationToken).ConfigureAwait(false));
            }
        }
        return new UpdateContainerInstancesStateResponse { ContainerInstances = instances, Failures = failures };
    }

    private async Task<Versioned<ContainerInstanceRecord>?> FindExistingAsync(
        Cluster cluster, string? savedArn, AgentIdentity identity, CancellationToken cancellationToken)
    {
        if (savedArn is not null && await state.FindInstanceAsync(cluster, savedArn, cancellationToken).ConfigureAwait(false) is { } saved)
        {
            return saved;
        }
        // An instance's sort key is its EC2 instance id (EcsRecords.PutInstance): one index range, read as stored now (an
        // agent registering again through another server must find its instance), instead of the cluster's every instance.
        var sameId = await Store.QueryAsync(EcsRecords.ContainerInstances,
            new RecordQuery(EcsRecords.ContainerInstanceKind, ManagedCapacity.InstanceScopeOf(cluster.ClusterArn!)) { SortKeyPrefix = identity.InstanceId },
            cancellationToken).ConfigureAwait(false);
        return sameId.FirstOrDefault(i => i.Value.Identity.InstanceId == identity.InstanceId);
    }

    private async Task<ContainerInstance> ViewAsync(Versioned<ContainerInstanceRecord> record, RequestContext context, CancellationToken cancellationToken)
    {
        var claimed = await ClaimedTasks.ReadAsync(state, Store, record.Id, cancellationToken).ConfigureAwait(false);
        var lastSeen = await Store.LastSeenAsync(record.Id, cancellationToken).ConfigureAwait(false);
        return ContainerInstanceView.Build(record, claimed, liveness.IsConnected(lastSeen, context.Now));
    }

    private static AgentIdentity ParseIdentity(string? document)
    {
        try
        {
            return JsonSerializer.Deserialize(Require.NotBlank(document, "instanceIdentityDocument"), StateJsonContext.Default.AgentIdentity)
                ?? throw new InvalidParameterException("instanceIdentityDocument is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidParameterException(
                $"instanceIdentityDocument must be a Berth agent identity (instanceId, availabilityZone, hostAddress): {e.Message}");
        }
    }
}
