using System.Collections.Concurrent;
using System.Text.Json;
using Berth.Api.Protocol;
using Berth.Control.Agents;
using Berth.Control.Identity;
using Berth.Control.Networking;
using Berth.Control.Secrets;
using Berth.Control.Services;
using Berth.Control.Tasks;
using Berth.Core.Agent;
using Berth.Core.Concurrency;
using Berth.Core.ContainerInstances;
using Berth.Core.Daemons;
using Berth.Core.Ecs;
using Berth.Core.Identity.Credentials;
using Berth.Core.Networking;
using Berth.Core.State;
using Berth.Core.Tasks;
using Berth.Store;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Agent;

/// <summary>
/// The server side of the agent protocol (docs/agent-protocol.md): the long-poll that hands an instance its
/// tasks and records its heartbeat, and the reports that move tasks' known status.
/// </summary>
internal sealed class AgentHandler(
    IStateStore store, AssignmentSignals signals, InstanceVersions instanceVersions, ServiceSignal services, HeartbeatWriter heartbeats, TaskRoleSessions roleSessions, TaskSecrets secrets,
    TaskStopper stopper, TaskReportBatches reports, ExecSessions execSessions, TimeProvider time)
{
    private const int MaxWaitSeconds = 30;

    private readonly NetworkState _networks = new(store);

    /// <summary>Revisions never change once registered, apart from their status, which agents do not use.</summary>
    private readonly ConcurrentDictionary<string, KeptDefinition> _definitions = new(StringComparer.Ordinal);

    private readonly KeptAssignments _kept = new();

    private readonly KeptInstances _instances = new(store, instanceVersions);

    public async Task PollAsync(HttpContext http)
    {
        var request = await ReadAsync(http, StateJsonContext.Default.AgentPollRequest).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }
        if (!AgentCaller.MayActFor(http, request.ContainerInstanceArn))
        {
            await AgentCaller.RefuseAsync(http, $"poll for {request.ContainerInstanceArn}").ConfigureAwait(false);
            return;
        }
        var cancellationToken = http.RequestAborted;
        var deadline = time.GetUtcNow().AddSeconds(Math.Clamp(request.WaitSeconds, 0, MaxWaitSeconds));
        var attached = request.AttachedAddresses;
        var lastSeen = DateTimeOffset.MinValue; // when this poll last queued its instance's heartbeat; not yet
        Versioned<ContainerInstanceRecord>? instance = null;
        Task? waitedOn = null; // the signal of the last wait; none yet, so the instance is read first
        while (true)
        {
            // Taken before the read: a placement that commits after the read and notifies before the wait below
            // has already completed this task, so the poll answers at once instead of at the next re-read.
            var assignmentsChanged = signals.Changed(request.ContainerInstanceArn);
            // Whether the last wait's signal completed, asked only now that the next one is taken: a change notified
            // after that wait's timer won but before this line completed the old signal, and would be lost if the wait's
            // answer decided (the AssignmentWatcher's scan would wake the poll a second later).
            if (waitedOn is null || waitedOn.IsCompleted)
            {
                // Only a wake reads the instance again: every change to its record wakes the poll (this server's at once,
                // any server's within a second through AssignmentWatcher), so after a timer's wake (a heartbeat due, the
                // wait's end) the record read last is still the one stored, and the poll answers from it.
                instance = await _instances.ReadAsync(request.ContainerInstanceArn, cancellationToken).ConfigureAwait(false);
            }
            if (instance is not null && time.GetUtcNow() - lastSeen >= heartbeats.WriteInterval)
            {
                // Written with other instances' within a second (HeartbeatWriter); the poll does not wait for it.
                heartbeats.Enqueue(instance);
                lastSeen = time.GetUtcNow();
            }
            if (instance is null)
            {
                // An unknown or deregistered ARN never becomes live again (an agent registers anew), so its key goes too.
                signals.Forget(request.ContainerInstanceArn);
                _kept.Forget(request.ContainerInstanceArn);
                _instances.Forget(request.ContainerInstanceArn);
                await JsonResponses.WriteErrorAsync(http.Response, StatusCodes.Status410Gone, "ContainerInstanceGone",
                    "The container instance is not registered (it was deregistered); register again.").ConfigureAwait(false);
                return;
            }
            if (attached is not null)
            {
                // Once per poll, for a registered instance only: address leases read it (NetworkState.LeasesAsync).
                await _networks.RecordAttachmentsAsync(instance.Id, attached, request.EngineTaskArns, cancellationToken).ConfigureAwait(false);
                attached = null;
            }
            var execs = execSessions.PendingFor(instance.Id);
            if (instance.Value.AssignmentsVersion != request.AssignmentsVersion || execs is not null || time.GetUtcNow() >= deadline)
            {
                var tasks = await AssignmentsAsync(instance.Id, cancellationToken).ConfigureAwait(false);
                await JsonResponses.WriteAsync(http.Response, 200, (instance.Value.AssignmentsVersion, tasks, execs),
                    static (writer, answer) => PollAnswer.Write(writer, answer.AssignmentsVersion, answer.tasks, answer.execs)).ConfigureAwait(false);
                return;
            }
            // Woken by a change to the instance's record: at once by one made in this process, within a second by another
            // server's (the server's AssignmentWatcher scans the store for them). Otherwise the poll goes on when its
            // heartbeat is due or its wait ends, without a read.
            var now = time.GetUtcNow();
            var untilHeartbeat = lastSeen + heartbeats.WriteInterval - now;
            var wait = deadline - now < untilHeartbeat ? deadline - now : untilHeartbeat;
            await ChangeNotifier.ChangedWithinAsync(assignmentsChanged, wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, cancellationToken).ConfigureAwait(false);
            waitedOn = assignmentsChanged;
        }
    }

    /// <summary>
    /// An agent's pending reports, applied together, and with those of other agents' requests meanwhile
    /// (<see cref="TaskReportBatches"/>: one commit, one scheduler wake), and answered one by one, so the agent drops each
    /// report the server is done with.
    /// </summary>
    public async Task ReportAllAsync(HttpContext http)
    {
        var batch = await ReadAsync(http, StateJsonContext.Default.AgentTaskReportBatch).ConfigureAwait(false);
        if (batch is null)
        {
            return;
        }
        if (batch.Reports.Count > AgentTaskReportBatch.MaxReports)
        {
            await JsonResponses.WriteErrorAsync(http.Response, 400, "InvalidParameterException",
                $"A request carries at most {AgentTaskReportBatch.MaxReports} reports; this one has {batch.Reports.Count}.").ConfigureAwait(false);
            return;
        }
        if (batch.Reports.FirstOrDefault(r => !AgentCaller.MayActFor(http, r.ContainerInstanceArn)) is { } foreign)
        {
            await AgentCaller.RefuseAsync(http, $"report for {foreign.ContainerInstanceArn}").ConfigureAwait(false);
            return;
        }
        // A report on a task its agent was just told about is planned from the task and claim that answer read.
        var known = new Dictionary<string, TaskReports.KnownTask>(StringComparer.Ordinal);
        foreach (var report in batch.Reports)
        {
            if (_kept.Of(report.ContainerInstanceArn).GetValueOrDefault(report.TaskArn)?.Known is { } kept)
            {
                known[report.TaskArn] = kept;
            }
        }
        var outcomes = await reports.ApplyAsync(batch.Reports, AgentCaller.InstanceOf(http) is not null, known, http.RequestAborted).ConfigureAwait(false);
        foreach (var instance in batch.Reports.Select((report, i) => (report.ContainerInstanceArn, outcomes[i].Committed)).GroupBy(c => c.ContainerInstanceArn, StringComparer.Ordinal))
        {
            _kept.Committed(instance.Key, [.. instance.Select(c => c.Committed).OfType<TaskReports.KnownTask>()]);
        }
        // A task of a service changed: its service's round reacts now (a stopped task, every round: it is replaced within a second).
        foreach (var wake in outcomes.Select(o => o.Wake).Distinct())
        {
            services.Notify(wake);
        }
        var response = new AgentTaskReportBatchResponse
        {
            Results = [.. batch.Reports.Select((report, i) => new AgentTaskReportResult { TaskArn = report.TaskArn, Outcome = ResultOf(outcomes[i].Outcome) })],
        };
        await JsonResponses.WriteAsync(http.Response, 200, response, StateJsonContext.Default.AgentTaskReportBatchResponse).ConfigureAwait(false);
    }

    private static string ResultOf(TaskReports.Outcome outcome) => outcome switch
    {
        // The task is gone or belongs elsewhere: the agent stops tracking it.
        TaskReports.Outcome.NotFound => AgentTaskReportResult.NotFound,
        TaskReports.Outcome.NotOwn => AgentTaskReportResult.NotOwn,
        _ => AgentTaskReportResult.Applied,
    };

    /// <summary>
    /// Every task claimed by the instance, as its agent is told about it. A task whose record is at the version of the
    /// instance's last answer is not built again (<see cref="KeptAssignments"/>); the members that change between polls
    /// are made anew each time as before: role credentials (<see cref="TaskRoleSessions.CurrentAsync"/> renews them),
    /// secrets (resolved for a task that should run), the network (a group's rules may have changed).
    /// </summary>
    /// <remarks>
    /// The instance's claims are listed by version, and a claim's body is read only where nothing kept stands for it: a
    /// claim's network is set at placement and never changes (a report moves only its last status), and the claim a
    /// report may be planned from is kept at the version just listed or read again.
    /// </remarks>
    private async Task<IReadOnlyList<AssignmentAnswer>> AssignmentsAsync(string instanceArn, CancellationToken cancellationToken)
    {
        var claimed = await store.VersionsAsync(new RecordQuery(EcsRecords.TaskAssignments.Kind, instanceArn), cancellationToken).ConfigureAwait(false);
        var records = await store.GetManyAsync(EcsRecords.Tasks.Kind, [.. claimed.Select(c => c.Id)], cancellationToken).ConfigureAwait(false);
        var recordsById = records.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var known = _kept.Of(instanceArn);
        var claims = await store.GetManyAsync(EcsRecords.TaskAssignments, [.. claimed.Where(c => ClaimToRead(c, known, recordsById)).Select(c => c.Id)], cancellationToken)
            .ConfigureAwait(false);
        var kept = new Dictionary<string, KeptTask>(claimed.Count, StringComparer.Ordinal);
        var answers = new List<AssignmentAnswer>(claimed.Count);
        NetworkRegistry? registry = null;
        foreach (var listed in claimed)
        {
            if (recordsById.GetValueOrDefault(listed.Id) is not { } record)
            {
                continue;
            }
            known.TryGetValue(listed.Id, out var hit);
            var claim = claims.GetValueOrDefault(listed.Id) ?? (hit?.Claim?.Version == listed.Version ? hit.Claim : null);
            if (claim is null && hit is null)
            {
                continue; // given back between the listing and the read: the task has left the instance
            }
            var network = claim is not null ? claim.Value.Network : hit!.Network;
            var keptTask = hit?.ReusedAt(record.Version, claim) ?? await RebuildAsync(hit, record, network, claim, cancellationToken).ConfigureAwait(false);
            kept[listed.Id] = keptTask;
            var definition = await DefinitionAsync(keptTask.TaskDefinitionArn, cancellationToken).ConfigureAwait(false);
            if (!keptTask.PerPoll && network is null)
            {
                answers.Add(new AssignmentAnswer(keptTask.Json!.Value, definition.Json));
                continue;
            }
            var task = keptTask.Task?.Value ?? EcsRecords.Tasks.Deserialize(record);
            IReadOnlyDictionary<string, ContainerSecretValues>? secretValues = null;
            if (task.DesiredStatus == TaskStatuses.Running)
            {
                try
                {
                    secretValues = await secrets.ResolveAsync(task, definition.Definition, cancellationToken).ConfigureAwait(false);
                }
                catch (SecretResolutionException e) when (task.StartedAt is null)
                {
                    // As ECS: a secret that cannot be read stops the task before its agent ever sees it.
                    await FailToStartAsync(listed.Id, e.Message, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (SecretResolutionException)
                {
                    // A started task got its values at start (the agent keeps them); a secret deleted since changes nothing.
                }
            }
            answers.Add(new AssignmentAnswer(keptTask.Json!.Value, definition.Json,
                Network: network is not null
                    ? NetworkOf(task, network, registry ??= await _networks.LoadAsync(cancellationToken).ConfigureAwait(false))
                    : null,
                RoleCredentials: await roleSessions.CurrentAsync(task, definition.Definition, TaskRoleSessionKind.Task, cancellationToken).ConfigureAwait(false),
                ExecutionRoleCredentials: await roleSessions.CurrentAsync(task, definition.Definition, TaskRoleSessionKind.Execution, cancellationToken).ConfigureAwait(false),
                Secrets: secretValues));
        }
        _kept.Keep(instanceArn, kept);
        return answers;
    }

    /// <summary>
    /// Whether the answer reads <paramref name="listed"/>'s body: for a task the last answer did not list, a claim kept for
    /// a report at another version, or a task whose record moved since (its next report may be planned from the claim).
    /// </summary>
    private static bool ClaimToRead(RecordVersion listed, IReadOnlyDictionary<string, KeptTask> known, Dictionary<string, StoredRecord> records) =>
        !known.TryGetValue(listed.Id, out var hit)
        || (hit.Claim is { } claim && claim.Version != listed.Version)
        || (records.TryGetValue(listed.Id, out var record) && record.Version != hit.Version);

    /// <summary>
    /// The task's part of the answer built again: from the task a report committed at the version just read (its JSON not
    /// written yet), or else from the record read, which makes this answer the first at its version (reportable).
    /// </summary>
    private Task<KeptTask> RebuildAsync(
        KeptTask? hit, StoredRecord record, TaskNetworkClaim? network, Versioned<TaskAssignmentRecord>? claim, CancellationToken cancellationToken) =>
        hit?.Version == record.Version
            ? KeepAsync(hit.Task!, network, claim, reportable: false, cancellationToken)
            : KeepAsync(new Versioned<EcsTask>(record.Id, record.Version, record.SortKey, EcsRecords.Tasks.Deserialize(record)), network, claim, reportable: true, cancellationToken);

    /// <summary>
    /// The task's part of the answer at this version of its record. The task itself and its claim are kept when its
    /// answer has members made per poll, or when <paramref name="reportable"/>: this answer is the first to read this
    /// version, so the agent is likely to report on it next (<see cref="KeptTask.Known"/>).
    /// </summary>
    private async Task<KeptTask> KeepAsync(
        Versioned<EcsTask> task, TaskNetworkClaim? network, Versioned<TaskAssignmentRecord>? claim, bool reportable, CancellationToken cancellationToken)
    {
        var definitionArn = task.Value.TaskDefinitionArn!;
        var definition = (await DefinitionAsync(definitionArn, cancellationToken).ConfigureAwait(false)).Definition;
        var perPoll = TaskRoleSessions.RoleArnOf(task.Value, definition, TaskRoleSessionKind.Task) is not null
            || TaskRoleSessions.RoleArnOf(task.Value, definition, TaskRoleSessionKind.Execution) is not null
            || (definition.ContainerDefinitions ?? []).Any(c => c.Secrets is { Count: > 0 } || c.LogConfiguration?.SecretOptions is { Count: > 0 });
        var keepTask = perPoll || reportable;
        return new KeptTask(task.Version, definitionArn, PollAnswer.Json(TaskStateChanges.ForAgent(task.Value)), perPoll, network,
            keepTask ? task : null, keepTask ? claim : null);
    }

    private async Task FailToStartAsync(string taskArn, string reason, CancellationToken cancellationToken)
    {
        await store.RetryOnConflictAsync(async ct =>
        {
            if (await store.GetAsync(EcsRecords.TaskAssignments, taskArn, ct).ConfigureAwait(false) is { } claim)
            {
                await store.CommitAsync(await stopper.StopLostTaskAsync(claim, reason, time.GetUtcNow(), ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            }
            return true;
        }, cancellationToken).ConfigureAwait(false);
        services.Notify();
    }

    /// <summary>
    /// The subnet and groups as they are now (a group's rules may have changed since launch); a subnet or group
    /// since deleted leaves the task without a network assignment, which the agent refuses to run.
    /// </summary>
    private static TaskNetworkAssignment? NetworkOf(EcsTask task, TaskNetworkClaim claim, NetworkRegistry registry)
    {
        var subnet = registry.FindSubnet(claim.SubnetId);
        var groups = claim.SecurityGroupIds.Select(registry.FindSecurityGroup).ToList();
        if (subnet is null || groups.Any(g => g is null) || EniAttachment.Of(task) is not { } eni)
        {
            return null;
        }
        return new TaskNetworkAssignment
        {
            SubnetId = subnet.SubnetId,
            CidrBlock = subnet.CidrBlock,
            PrivateIPv4Address = EniAttachment.DetailOf(eni, EniAttachment.PrivateIPv4Address)!,
            MacAddress = EniAttachment.DetailOf(eni, EniAttachment.MacAddress)!,
            SecurityGroups = groups!,
        };
    }

    private async Task<KeptDefinition> DefinitionAsync(string arn, CancellationToken cancellationToken)
    {
        if (_definitions.TryGetValue(arn, out var cached))
        {
            return cached;
        }
        // A daemon's task runs its daemon task definition, as the task definition it stands for.
        var found = DaemonArns.IsTaskDefinition(arn)
            ? (await store.GetAsync(DaemonRecords.TaskDefinitions, arn, cancellationToken).ConfigureAwait(false)) is { } daemon
                ? DaemonTaskDefinitions.AsTaskDefinition(daemon.Value.Definition)
                : null
            : (await store.GetAsync(EcsRecords.TaskDefinitions, arn, cancellationToken).ConfigureAwait(false))?.Value.Definition;
        var definition = found ?? throw new InvalidDataException($"Task definition {arn} of an assigned task is missing.");
        return _definitions.GetOrAdd(arn, new KeptDefinition(definition, PollAnswer.Json(definition)));
    }

    private static async Task<T?> ReadAsync<T>(HttpContext http, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(http.Request.Body, type, http.RequestAborted).ConfigureAwait(false)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            await JsonResponses.WriteErrorAsync(http.Response, 400, "SerializationException", e.Message).ConfigureAwait(false);
            return null;
        }
    }
}
