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

using Batches = TurnBatches<LaunchRequest, (TaskLauncher.Result Result, bool Replayed)>;

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

    /// <summary>
    /// One placement per source at a time on this server (read the view, plan, commit), as Nomad's leader applies one
    /// plan at a time. Placements race on the instances they pick: without the turns, RunTask calls and the service
    /// scheduler placing on one cluster at once kept committing over each other's snapshots, and under load a RunTask
    /// could lose every one of its attempts and fail with a 500 (found by bench/Berth.Bench.Scale). Placements from
    /// other servers still meet as optimistic-concurrency conflicts and re-plan; the turns only stop this server from
    /// conflicting with itself. A turn places every request waiting for it by then.
    /// </summary>
    private readonly Batches _batches = new();
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
            using var turn = await _batches.EnterAloneAsync(source.Key, cancellationToken).ConfigureAwait(false);
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
    /// One placement: read the snapshot, place, commit, re-planning on conflict, in a batch with the placements waiting
    /// on the same source (<see cref="TurnBatches{TRequest, TResult}"/>). The client token is checked inside the
    /// attempt, so of two identical requests racing, the loser's commit conflicts on the token record and its re-plan
    /// finds the winner's tasks. <paramref name="continuing"/>: an earlier share of this same request already wrote the
    /// token, so it is extended rather than checked.
    /// </summary>
    private async Task<(Result Result, bool Replayed)> PlaceAsync(
        ResourceScope scope, Cluster cluster, TaskLaunch launch, int count, IReadOnlyList<PlacementStrategy> strategies,
        IReadOnlyList<PlacementConstraint> constraints, ClientToken? token, bool continuing, CancellationToken cancellationToken)
    {
        var started = ServerMetrics.Start();
        var source = await SourceAsync(scope, cluster, launch, cancellationToken).ConfigureAwait(false);
        var request = new LaunchRequest(scope, cluster, launch, count, strategies, constraints, token, continuing);
        var outcome = await _batches.RunAsync(source.Key, request, batch => PlaceBatchAsync(source, batch), cancellationToken).ConfigureAwait(false);
        if (!outcome.Replayed)
        {
            ServerMetrics.RecordPlacement(started, outcome.Result.Tasks.Count, outcome.Result.Failures.Count);
        }
        return outcome;
    }

    /// <summary>Places a batch, one commit per run of placements that may share one (<see cref="CommitGroups"/>).</summary>
    private async Task PlaceBatchAsync(Source source, IReadOnlyList<Batches.Queued> batch)
    {
        foreach (var group in CommitGroups(batch))
        {
            await PlaceTogetherAsync(source, group).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The batch cut where two placements cannot share a commit: an awsvpc launch takes its addresses from leases read
    /// from the store, which a placement before it in the same commit would not have taken yet, so it commits alone; and
    /// a client token's record is written once per commit, so a second request with the same token waits for the next.
    /// </summary>
    private static IEnumerable<List<Batches.Queued>> CommitGroups(IReadOnlyList<Batches.Queued> batch)
    {
        var group = new List<Batches.Queued>();
        foreach (var queued in batch)
        {
            if (group.Count > 0 && !Joins(queued.Request, group))
            {
                yield return group;
                group = [];
            }
            group.Add(queued);
        }
        if (group.Count > 0)
        {
            yield return group;
        }

        static bool Joins(LaunchRequest request, List<Batches.Queued> group) =>
            request.Launch.Network is null && group[0].Request.Launch.Network is null
            && (request.Token is not { } token || !group.Any(q => q.Request.Token?.Token == token.Token && q.Request.Cluster.ClusterArn == request.Cluster.ClusterArn));
    }

    /// <summary>
    /// Places a group in one commit, re-planning all of it on conflict (<see cref="PlaceGroupOnceAsync"/>); what cannot
    /// be placed at all fails every placement of the group still unanswered, here rather than in the batch, so the
    /// batch's next group still goes.
    /// </summary>
    private async Task PlaceTogetherAsync(Source source, List<Batches.Queued> group)
    {
        try
        {
            // Not one caller's token: the group answers several callers, and a caller that gives up is answered alone.
            await state.Store.RetryOnConflictAsync(ct => PlaceGroupOnceAsync(source, group, ct), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            foreach (var queued in group)
            {
                queued.Fail(e);
            }
        }
    }

    /// <summary>
    /// One attempt at a group: each placement still unanswered plans on the view with those before it staged in
    /// (<see cref="PlacementView.Stage"/>), then all commit together. A placement that fails or replays a client
    /// token's answer is answered at once and commits nothing; the others are answered once their commit is in.
    /// </summary>
    private async Task<int> PlaceGroupOnceAsync(Source source, List<Batches.Queued> group, CancellationToken cancellationToken)
    {
        var view = await RefreshedViewAsync(source, cancellationToken).ConfigureAwait(false);
        var writes = new List<RecordWrite>();
        var staged = new List<(Batches.Queued Queued, Result Result)>();
        try
        {
            foreach (var queued in group.Where(q => !q.Answered))
            {
                try
                {
                    var (result, replayed) = await PrepareAsync(queued.Request, view, writes, cancellationToken).ConfigureAwait(false);
                    if (replayed)
                    {
                        queued.Answer((result, true));
                    }
                    else
                    {
                        staged.Add((queued, result));
                    }
                }
                catch (Exception e) when (e is not ConcurrencyConflictException)
                {
                    queued.Fail(e);
                }
            }
        }
        catch
        {
            view.Revert();
            throw;
        }
        await CommitStagedAsync(view, writes, cancellationToken).ConfigureAwait(false);
        foreach (var (queued, result) in staged)
        {
            queued.Answer((result, false));
        }
        return staged.Count;
    }

    /// <summary>
    /// One placement of a group: the client token's verdict (a replay answers without placing), then the plan on the
    /// view, staged into it with its writes added to <paramref name="writes"/>.
    /// </summary>
    private async Task<(Result Result, bool Replayed)> PrepareAsync(LaunchRequest request, PlacementView view, List<RecordWrite> writes, CancellationToken cancellationToken)
    {
        var (scope, cluster, launch, count, strategies, constraints, token, continuing) = request;
        var recorded = token is null
            ? null
            : await state.Store.GetAsync(EcsRecords.RunTaskTokens, EcsRecords.RunTaskTokenId(cluster.ClusterArn!, token.Token), cancellationToken).ConfigureAwait(false);
        if (token is not null && !continuing)
        {
            switch (RunTaskIdempotency.Decide(recorded?.Value, token.RequestHash, time.GetUtcNow()))
            {
                case RunTaskIdempotency.Verdict.Replay:
                    return (await ReplayAsync(recorded!.Value, cancellationToken).ConfigureAwait(false), true);
                case RunTaskIdempotency.Verdict.Conflict:
                    throw new ConflictException("The provided clientToken is already in use with a different RunTask request.", recorded!.Value.TaskArns);
            }
        }
        if (view.InstanceCount == 0 && !launch.IsFargate)
        {
            throw NoInstances(launch);
        }
        var plan = await PlanAsync(scope, cluster, launch, view, Request(launch, count, strategies, constraints), cancellationToken).ConfigureAwait(false);
        var result = await StageAsync(scope, cluster, launch, view, launch.IsFargate ? FargatePlan(plan) : plan,
            token is null ? null : (token, recorded), writes, cancellationToken).ConfigureAwait(false);
        return (result, false);
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
        using var turn = await _batches.EnterAloneAsync(source.Key, cancellationToken).ConfigureAwait(false);
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
            var writes = new List<RecordWrite>();
            var result = await StageAsync(scope, cluster, launch, view, new PlacementPlan(placements, failures), null, writes, ct).ConfigureAwait(false);
            await CommitStagedAsync(view, writes, ct).ConfigureAwait(false);
            return result;
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
    /// Stages the plan's tasks and claims into the view and adds their writes, with the client token's record (read at
    /// <c>Version</c>, or absent) when there is one, to <paramref name="writes"/>: one commit, so the token and its tasks
    /// exist together or not at all. Nothing is added when the plan cannot be staged whole.
    /// </summary>
    private async Task<Result> StageAsync(
        ResourceScope scope, Cluster cluster, TaskLaunch launch, PlacementView view, PlacementPlan plan,
        (ClientToken Token, Versioned<RunTaskTokenRecord>? Recorded)? idempotency, List<RecordWrite> writes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var needs = EcsTaskFactory.Needs(launch.Definition, launch.Overrides);
        var tasks = new List<EcsTask>();
        var claims = new List<(TaskAssignmentRecord Claim, string InstanceArn)>();
        var own = new List<RecordWrite>();
        foreach (var placement in plan.Placements)
        {
            var instance = view.Record(placement.ContainerInstanceArn);
            var zone = instance.Value.Instance.Attributes?.FirstOrDefault(a => a.Name == "ecs.availability-zone")?.Value;
            var task = EcsTaskFactory.Create(launch, scope, cluster.ClusterName!, Guid.NewGuid().ToString("N"), placement.ContainerInstanceArn, zone, now);
            tasks.Add(task);
            claims.Add((new TaskAssignmentRecord(task.TaskArn!, cluster.ClusterArn!, launch.Group, launch.Definition.Family!,
                needs.Cpu, needs.Memory, [.. needs.TcpPorts], [.. needs.UdpPorts]), placement.ContainerInstanceArn));
        }
        if (launch.Network is { } network)
        {
            (tasks, claims) = await AttachNetworkAsync(scope, network, tasks, claims, own, cancellationToken).ConfigureAwait(false);
        }
        own.AddRange(tasks.Select(t => EcsRecords.PutTask(t, 0)));
        own.AddRange(claims.Select(c => EcsRecords.PutClaim(c.Claim, c.InstanceArn, 0)));
        if (idempotency is ({ } token, var recorded))
        {
            var record = RunTaskIdempotency.Record(recorded?.Value, token.Token, token.RequestHash, [.. tasks.Select(t => t.TaskArn!)], plan.Failures, now);
            own.Add(EcsRecords.PutRunTaskToken(cluster.ClusterArn!, record, recorded?.Version ?? 0));
        }
        writes.AddRange(own);
        foreach (var instance in claims.GroupBy(c => c.InstanceArn, StringComparer.Ordinal))
        {
            view.Stage(instance.Key, [.. instance.Select(c => c.Claim)], now);
        }
        return new Result(tasks, plan.Failures);
    }

    /// <summary>
    /// Commits the writes of the placements staged in the view, with the instances' assignment moves, and wakes those
    /// instances' agents; on any failure the view drops what was staged, and after a conflict it lists next: something
    /// it holds moved without this server's feed showing it (another server's placement), so the retry re-plans on a
    /// view that listed the store.
    /// </summary>
    private async Task CommitStagedAsync(PlacementView view, List<RecordWrite> writes, CancellationToken cancellationToken)
    {
        writes.AddRange(view.StagedWrites());
        try
        {
            if (writes.Count > 0)
            {
                await state.Store.CommitAsync(writes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            view.Revert();
            if (e is ConcurrencyConflictException)
            {
                view.ListNext();
            }
            throw;
        }
        foreach (var arn in view.Confirm())
        {
            signals.Notify(arn);
        }
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
