using Berth.Control.Agents;
using Berth.Control.Capacity;
using Berth.Control.Clusters;
using Berth.Control.Networking;
using Berth.Control.Observability;
using Berth.Core.Arns;
using Berth.Core.Capacity;
using Berth.Core.ContainerInstances;
using Berth.Core.Daemons;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Networking;
using Berth.Core.Placement;
using Berth.Core.State;
using Berth.Core.Tasks;
using Berth.Store;

namespace Berth.Control.Tasks;

/// <summary>
/// Places and records new tasks: bring this server's view of the cluster up to the store (<see cref="PlacementView"/>),
/// place on its <see cref="ClusterIndex"/>, commit tasks, claims and the touched instances' assignment versions in one
/// commit. Two launches racing for one instance (on this server or another) conflict on its version and the loser
/// re-plans on a refreshed view, so nothing is ever overcommitted.
/// </summary>
public sealed class TaskLauncher(ClusterState state, AgentLiveness liveness, AssignmentSignals signals, TimeProvider time)
{
    public sealed record Result(IReadOnlyList<EcsTask> Tasks, IReadOnlyList<Failure> Failures);

    private readonly NetworkState _network = new(state.Store);
    private readonly PlacementGate _gate = new();
    private readonly PlacementViews _views = new(state, liveness);
    private readonly DaemonReservationState _daemons = new(state.Store);

    /// <summary>
    /// A RunTask's client token and the hash of the request it came with (<see cref="RunTaskIdempotency"/>).
    /// </summary>
    public sealed record ClientToken(string Token, string RequestHash);

    /// <summary>
    /// Places <paramref name="count"/> copies wherever the strategies and constraints allow (RunTask). With a client
    /// token already used for the same request, answers with that request's tasks and places none.
    /// </summary>
    public async Task<Result> RunAsync(
        ResourceScope scope, Cluster cluster, TaskLaunch launch, int count,
        IReadOnlyList<PlacementStrategy> strategies, IReadOnlyList<PlacementConstraint> constraints, CancellationToken cancellationToken,
        ClientToken? token = null) =>
        (await PlaceAsync(scope, cluster, launch, count, strategies, constraints, token, continuing: false, cancellationToken).ConfigureAwait(false)).Result;

    /// <summary>
    /// Splits <paramref name="count"/> tasks over a capacity provider strategy as ECS does (base, then weight, counting
    /// the tasks each provider already has) and runs each share on its provider's capacity: the Fargate pool, or the
    /// instances of the provider's Auto Scaling group, where the placement strategies and constraints apply.
    /// </summary>
    /// <remarks>
    /// Each share is its own commit, and the client token's record joins each one with the tasks it adds: a crash
    /// between shares leaves a token that names exactly the tasks started, so a retry returns those and starts no more.
    /// </remarks>
    public async Task<Result> RunWithStrategyAsync(
        ResourceScope scope, Cluster cluster, TaskLaunch launch, int count, IReadOnlyList<CapacityProviderStrategyItem> strategy,
        IReadOnlyDictionary<string, int> existing, IReadOnlyList<PlacementStrategy> strategies, IReadOnlyList<PlacementConstraint> constraints,
        CancellationToken cancellationToken, ClientToken? token = null)
    {
        var shares = CapacityProviderDistribution.Group(CapacityProviderDistribution.Assign(strategy, existing, count));
        // Refused before any share is placed, so a RunTask that fails has started nothing.
        foreach (var (provider, _) in shares)
        {
            var providerLaunch = launch with { CapacityProviderName = provider };
            if (launch.IsFargate)
            {
                continue;
            }
            var source = await SourceAsync(scope, cluster, providerLaunch, cancellationToken).ConfigureAwait(false);
            using var turn = await _gate.EnterAsync(source.Key, cancellationToken).ConfigureAwait(false);
            if ((await RefreshedViewAsync(source, cancellationToken).ConfigureAwait(false)).InstanceCount == 0)
            {
                throw NoInstances(providerLaunch);
            }
        }
        var tasks = new List<EcsTask>();
        var failures = new List<Failure>();
        var continuing = false;
        foreach (var (provider, share) in shares)
        {
            var (result, replayed) = await PlaceAsync(scope, cluster, launch with { CapacityProviderName = provider }, share, strategies, constraints,
                token, continuing, cancellationToken).ConfigureAwait(false);
            if (replayed)
            {
                return result;
            }
            continuing = true;
            tasks.AddRange(result.Tasks);
            failures.AddRange(result.Failures);
        }
        return new Result(tasks, failures);
    }

    /// <summary>
    /// One placement: read the snapshot, place, commit, re-planning on conflict. The client token is checked inside
    /// the attempt, so of two identical requests racing, the loser's commit conflicts on the token record and its
    /// re-plan finds the winner's tasks. <paramref name="continuing"/>: an earlier share of this same request
    /// already wrote the token, so it is extended rather than checked.
    /// </summary>
    private async Task<(Result Result, bool Replayed)> PlaceAsync(
        ResourceScope scope, Cluster cluster, TaskLaunch launch, int count, IReadOnlyList<PlacementStrategy> strategies,
        IReadOnlyList<PlacementConstraint> constraints, ClientToken? token, bool continuing, CancellationToken cancellationToken)
    {
        var started = ServerMetrics.Start();
        var source = await SourceAsync(scope, cluster, launch, cancellationToken).ConfigureAwait(false);
        using var turn = await _gate.EnterAsync(source.Key, cancellationToken).ConfigureAwait(false);
        (Result Result, bool Replayed) outcome = await state.Store.RetryOnConflictAsync(async ct =>
        {
            var recorded = token is null
                ? null
                : await state.Store.GetAsync(EcsRecords.RunTaskTokens, EcsRecords.RunTaskTokenId(cluster.ClusterArn!, token.Token), ct).ConfigureAwait(false);
            if (token is not null && !continuing)
            {
                switch (RunTaskIdempotency.Decide(recorded?.Value, token.RequestHash, time.GetUtcNow()))
                {
                    case RunTaskIdempotency.Verdict.Replay:
                        return (await ReplayAsync(recorded!.Value, ct).ConfigureAwait(false), true);
                    case RunTaskIdempotency.Verdict.Conflict:
                        throw new ConflictException("The provided clientToken is already in use with a different RunTask request.", recorded!.Value.TaskArns);
                }
            }
            var view = await RefreshedViewAsync(source, ct).ConfigureAwait(false);
            if (view.InstanceCount == 0 && !launch.IsFargate)
            {
                throw NoInstances(launch);
            }
            var plan = await PlanAsync(scope, cluster, launch, view, Request(launch, count, strategies, constraints), ct).ConfigureAwait(false);
            var committed = await CommitAsync(scope, cluster, launch, view, launch.IsFargate ? FargatePlan(plan) : plan,
                token is null ? null : (token, recorded), ct).ConfigureAwait(false);
            return (committed, false);
        }, cancellationToken).ConfigureAwait(false);
        if (!outcome.Replayed)
        {
            ServerMetrics.RecordPlacement(started, outcome.Result.Tasks.Count, outcome.Result.Failures.Count);
        }
        return outcome;
    }

    /// <summary>The first call's answer: its tasks as they are now (those already forgotten left out) and its failures.</summary>
    private async Task<Result> ReplayAsync(RunTaskTokenRecord recorded, CancellationToken cancellationToken)
    {
        var found = await state.Store.GetManyAsync(EcsRecords.Tasks, recorded.TaskArns, cancellationToken).ConfigureAwait(false);
        return new Result([.. recorded.TaskArns.Where(found.ContainsKey).Select(arn => found[arn].Value)], recorded.Failures);
    }

    /// <summary>
    /// Fargate capacity is AWS's: a task that does not fit the pool gets the reason ECS gives for a Fargate capacity
    /// shortage, once, not the pool's per-instance RESOURCE:* reasons, which name instances the user never sees.
    /// </summary>
    private static PlacementPlan FargatePlan(PlacementPlan plan) =>
        plan.Failures.Count == 0 ? plan : plan with { Failures = [new Failure { Reason = FargateRules.CapacityUnavailable }] };

    /// <summary>One copy on each named instance, resources permitting (StartTask): no strategy, the caller chose.</summary>
    public async Task<Result> StartAsync(
        ResourceScope scope, Cluster cluster, TaskLaunch launch, IReadOnlyList<string> instanceArns, CancellationToken cancellationToken)
    {
        var source = await SourceAsync(scope, cluster, launch, cancellationToken).ConfigureAwait(false);
        using var turn = await _gate.EnterAsync(source.Key, cancellationToken).ConfigureAwait(false);
        return await state.Store.RetryOnConflictAsync(async ct =>
        {
            var view = await RefreshedViewAsync(source, ct).ConfigureAwait(false);
            var owed = await OwedDaemonsAsync(scope, cluster, launch, view, ct).ConfigureAwait(false);
            var placements = new List<TaskPlacement>();
            var failures = new List<Failure>();
            foreach (var arn in instanceArns)
            {
                if (view.Candidate(arn) is not { } only)
                {
                    failures.Add(new Failure { Arn = arn, Reason = "MISSING" });
                    continue;
                }
                var plan = PlacementEngine.Place(new ClusterSnapshot([DaemonReservations.Reserve(only, owed)]), Request(launch, 1, [], []), Random.Shared);
                placements.AddRange(plan.Placements);
                failures.AddRange(plan.Failures);
            }
            return await CommitAsync(scope, cluster, launch, view, new PlacementPlan(placements, failures), null, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The plan through the view's index; while daemons are due on instances that hold no task of theirs yet
    /// (<see cref="DaemonReservations"/>), through a scan of the view's instances with that room taken out, which the
    /// index does not know. Clusters without daemons, or whose daemons run everywhere, keep the index.
    /// </summary>
    private async Task<PlacementPlan> PlanAsync(
        ResourceScope scope, Cluster cluster, TaskLaunch launch, PlacementView view, PlacementRequest request, CancellationToken cancellationToken)
    {
        var owed = await OwedDaemonsAsync(scope, cluster, launch, view, cancellationToken).ConfigureAwait(false);
        if (owed.Count > 0 && view.Snapshot() is var instances && DaemonReservations.AnyOwed(instances, owed))
        {
            return PlacementEngine.Place(DaemonReservations.Reserve(instances, owed), request, Random.Shared);
        }
        return view.Index.Place(request, Random.Shared);
    }

    /// <summary>The daemons due on the view's instances, for every launch but Fargate's (no daemons there) and daemon tasks themselves.</summary>
    private async Task<IReadOnlyList<DaemonReservations.Due>> OwedDaemonsAsync(
        ResourceScope scope, Cluster cluster, TaskLaunch launch, PlacementView view, CancellationToken cancellationToken) =>
        launch.IsFargate || TaskGroups.IsDaemon(launch.Group)
            ? []
            : await _daemons.DueAsync(scope, cluster, view.Records, cancellationToken).ConfigureAwait(false);

    private static PlacementRequest Request(
        TaskLaunch launch, int count, IReadOnlyList<PlacementStrategy> strategies, IReadOnlyList<PlacementConstraint> constraints)
    {
        var definition = launch.Definition;
        // Fargate has no placement constraints (RunTask refuses them); a definition's memberOf is for EC2 instances.
        var ownConstraints = launch.IsFargate ? [] : definition.PlacementConstraints ?? [];
        return new PlacementRequest(
            EcsTaskFactory.Needs(definition, launch.Overrides),
            count,
            launch.Group,
            definition.Family!,
            strategies,
            [.. constraints, .. ownConstraints.Select(c => new PlacementConstraint { Type = c.Type, Expression = c.Expression })],
            (definition.RequiresAttributes ?? []).Select(a => a.Name!).ToList());
    }

    /// <summary>
    /// Commits the plan's tasks, claims and instance versions, with the client token's record (read at
    /// <c>Version</c>, or absent) when there is one: one commit, so the token and its tasks exist together or not at all.
    /// </summary>
    private async Task<Result> CommitAsync(
        ResourceScope scope, Cluster cluster, TaskLaunch launch, PlacementView view, PlacementPlan plan,
        (ClientToken Token, Versioned<RunTaskTokenRecord>? Recorded)? idempotency, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var needs = EcsTaskFactory.Needs(launch.Definition, launch.Overrides);
        var tasks = new List<EcsTask>();
        var claims = new List<(TaskAssignmentRecord Claim, string InstanceArn)>();
        var writes = new List<RecordWrite>();
        foreach (var placement in plan.Placements)
        {
            var instance = view.Record(placement.ContainerInstanceArn);
            var zone = instance.Value.Instance.Attributes?.FirstOrDefault(a => a.Name == "ecs.availability-zone")?.Value;
            var task = EcsTaskFactory.Create(launch, scope, cluster.ClusterName!, Guid.NewGuid().ToString("N"), placement.ContainerInstanceArn, zone, now);
            tasks.Add(task);
            claims.Add((new TaskAssignmentRecord(task.TaskArn!, task.LastStatus!, cluster.ClusterArn!, launch.Group, launch.Definition.Family!,
                needs.Cpu, needs.Memory, [.. needs.TcpPorts], [.. needs.UdpPorts]), placement.ContainerInstanceArn));
        }
        if (launch.Network is { } network)
        {
            (tasks, claims) = await AttachNetworkAsync(scope, network, tasks, claims, writes, cancellationToken).ConfigureAwait(false);
        }
        writes.AddRange(tasks.Select(t => EcsRecords.PutTask(t, 0)));
        writes.AddRange(claims.Select(c => EcsRecords.PutClaim(c.Claim, c.InstanceArn, 0)));
        var touched = plan.Placements.Select(p => p.ContainerInstanceArn).Distinct(StringComparer.Ordinal).ToList();
        writes.AddRange(touched.Select(arn => EcsRecords.BumpAssignments(view.Record(arn))));
        if (idempotency is ({ } token, var recorded))
        {
            var record = RunTaskIdempotency.Record(recorded?.Value, token.Token, token.RequestHash, [.. tasks.Select(t => t.TaskArn!)], plan.Failures, now);
            writes.Add(EcsRecords.PutRunTaskToken(cluster.ClusterArn!, record, recorded?.Version ?? 0));
        }
        if (writes.Count > 0)
        {
            try
            {
                await state.Store.CommitAsync(writes, cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException)
            {
                // Something the view holds moved without this server's feed showing it (another server's placement):
                // the retry re-plans on a view that listed the store.
                view.ListNext();
                throw;
            }
        }
        foreach (var arn in touched)
        {
            // The commit moved the record one version on, as BumpAssignments wrote it.
            var record = view.Record(arn);
            view.Committed(
                record with { Version = record.Version + 1, Value = record.Value with { AssignmentsVersion = record.Value.AssignmentsVersion + 1 } },
                [.. claims.Where(c => c.InstanceArn == arn).Select(c => c.Claim)],
                now);
            signals.Notify(arn);
        }
        return new Result(tasks, plan.Failures);
    }

    /// <summary>
    /// Gives each awsvpc task an address (and so an ENI): the task's subnet is the first of its subnets, taken in
    /// turn from the task's position so copies spread over them, that has a free address. The leases join the
    /// commit, so two launches that pick one address conflict and re-plan.
    /// </summary>
    private async Task<(List<EcsTask>, List<(TaskAssignmentRecord, string)>)> AttachNetworkAsync(
        ResourceScope scope, TaskNetworkRequest network, List<EcsTask> tasks, List<(TaskAssignmentRecord Claim, string InstanceArn)> claims,
        List<RecordWrite> writes, CancellationToken cancellationToken)
    {
        var leases = new List<SubnetLeases>();
        foreach (var subnet in network.Subnets)
        {
            leases.Add(await _network.LeasesAsync(subnet, cancellationToken).ConfigureAwait(false));
        }
        var groupIds = network.SecurityGroups.Select(g => g.GroupId).ToList();
        var attached = new List<EcsTask>(tasks.Count);
        var attachedClaims = new List<(TaskAssignmentRecord, string)>(tasks.Count);
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            (SubnetLeases Subnet, uint Address, PutRecord Write)? taken = null;
            for (var k = 0; k < leases.Count && taken is null; k++)
            {
                var candidate = leases[(i + k) % leases.Count];
                if (candidate.Take(task.TaskArn!) is { } lease)
                {
                    taken = (candidate, lease.Address, lease.Write);
                }
            }
            if (taken is not { } chosen)
            {
                throw new ClientException(
                    $"No free IPv4 address is left in subnets [{string.Join(", ", network.Subnets.Select(s => s.SubnetId))}].");
            }
            writes.Add(chosen.Write);
            var subnet = chosen.Subnet.Subnet;
            var eni = "eni-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(9))[..17];
            var (claim, instanceArn) = claims[i];
            var withEni = EniAttachment.Attach(task, EniAttachment.Create(Guid.NewGuid().ToString(), eni, subnet, chosen.Address, scope.Region));
            // A Fargate task is in its subnet's zone; an EC2 task is in its instance's.
            attached.Add(ManagedCapacity.IsManagedInstance(instanceArn) ? withEni with { AvailabilityZone = subnet.AvailabilityZone } : withEni);
            attachedClaims.Add((claim with { Network = new TaskNetworkClaim(subnet.SubnetId, groupIds) }, instanceArn));
        }
        return (attached, attachedClaims);
    }

    /// <summary>ECS's RunTask error when there is no instance to place on: none in the cluster, or none in the provider's group.</summary>
    private static InvalidParameterException NoInstances(TaskLaunch launch) => new(launch.CapacityProviderName is null
        ? "No Container Instances were found in your cluster."
        : "No Container Instances were found in your capacity provider.");

    /// <summary>
    /// Where a launch's instances come from: the key of its view and gate, the store scope of their records, and which
    /// of those records belong (an Auto Scaling group provider's instances of the cluster).
    /// </summary>
    private sealed record Source(string Key, string Scope, Func<ContainerInstanceRecord, bool> Include);

    /// <summary>
    /// The instances the launch may use: for Fargate the managed pool every cluster shares; for an Auto Scaling group
    /// provider the cluster's instances of its group; else all the cluster's instances.
    /// </summary>
    private async Task<Source> SourceAsync(ResourceScope scope, Cluster cluster, TaskLaunch launch, CancellationToken cancellationToken)
    {
        if (launch.IsFargate)
        {
            return new Source(ManagedCapacity.PoolScope, ManagedCapacity.PoolScope, _ => true);
        }
        var instances = ManagedCapacity.InstanceScopeOf(cluster.ClusterArn!);
        if (launch.CapacityProviderName is not { } provider)
        {
            return new Source(cluster.ClusterArn!, instances, _ => true);
        }
        var group = await CapacityProviderState.GroupOfAsync(state.Store, scope, provider, cancellationToken).ConfigureAwait(false);
        return new Source($"{cluster.ClusterArn}\n{group}", instances, record => AutoScalingGroup.IsMember(record.Instance.Attributes, group));
    }

    /// <summary>The source's view brought up to the store; the caller holds the source's gate turn.</summary>
    private async Task<PlacementView> RefreshedViewAsync(Source source, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var view = _views.Get(source.Key, now);
        await view.RefreshAsync(source.Scope, source.Include, now, cancellationToken).ConfigureAwait(false);
        return view;
    }
}
