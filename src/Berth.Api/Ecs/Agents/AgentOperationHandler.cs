using Berth.Api.Protocol;
using Berth.Control.Clusters;
using Berth.Control.Services;
using Berth.Control.Tasks;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Api.Ecs.Agents;

/// <summary>
/// The operations ECS keeps for its container agent: DiscoverPollEndpoint, SubmitTaskStateChange,
/// SubmitContainerStateChange, SubmitAttachmentStateChanges and UpdateContainerAgent. Berth's own agent speaks its
/// agent protocol (docs/agent-protocol.md); these let any other caller that acts as an agent report through the ECS
/// API, and a state change it submits is applied exactly as an agent's report is (<see cref="TaskReports"/>).
/// </summary>
internal sealed class AgentOperationHandler(ClusterState state, TaskReports reports, ServiceSignal services)
{
    private const string Acknowledged = "ACK";

    /// <summary>What an agent reports of a task or container, as Berth's agent does: PENDING, RUNNING or STOPPED.</summary>
    private static readonly IReadOnlySet<string> ReportedStatuses = EcsEnums.DesiredStatus;

    public void Register(JsonService service) => service
        .Add<DiscoverPollEndpointRequest, DiscoverPollEndpointResponse>(DiscoverPollEndpointAsync)
        .Add<SubmitTaskStateChangeRequest, SubmitTaskStateChangeResponse>(SubmitTaskStateChangeAsync)
        .Add<SubmitContainerStateChangeRequest, SubmitContainerStateChangeResponse>(SubmitContainerStateChangeAsync)
        .Add<SubmitAttachmentStateChangesRequest, SubmitAttachmentStateChangesResponse>(SubmitAttachmentStateChangesAsync)
        .Add<UpdateContainerAgentRequest, UpdateContainerAgentResponse>(UpdateContainerAgentAsync);

    /// <summary>
    /// Every server answers the whole API, the agent protocol included, so the poll endpoint (and the telemetry and
    /// Service Connect ones, which Berth serves from the same place) is the URL the caller reached this server on.
    /// </summary>
    private static Task<DiscoverPollEndpointResponse> DiscoverPollEndpointAsync(
        DiscoverPollEndpointRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.Endpoint ?? throw new ServerException("The request carried no host to answer with.");
        return Task.FromResult(new DiscoverPollEndpointResponse { Endpoint = endpoint, TelemetryEndpoint = endpoint, ServiceConnectEndpoint = endpoint });
    }

    private async Task<SubmitTaskStateChangeResponse> SubmitTaskStateChangeAsync(
        SubmitTaskStateChangeRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        if (request.Status is not null)
        {
            Require.OneOf(request.Status, ReportedStatuses, "status");
        }
        var task = await TaskOfAsync(request.Cluster, request.Task, context, cancellationToken).ConfigureAwait(false);
        var containers = (request.Containers ?? []).Select(c => ContainerReportOf(task, c.ContainerName, c.Status, c.RuntimeId, c.ExitCode, c.Reason,
            c.NetworkBindings, c.ImageDigest)).ToList();
        RequireAttachments(task, request.Attachments);
        RequireManagedAgents(task, request.ManagedAgents);
        await ApplyAsync(task, context, new AgentTaskReport
        {
            ContainerInstanceArn = task.ContainerInstanceArn!,
            TaskArn = task.TaskArn!,
            LastStatus = request.Status ?? task.LastStatus!,
            StoppedReason = request.Reason,
            PullStartedAt = request.PullStartedAt,
            PullStoppedAt = request.PullStoppedAt,
            ExecutionStoppedAt = request.ExecutionStoppedAt,
            Containers = containers,
        }, cancellationToken).ConfigureAwait(false);
        return new SubmitTaskStateChangeResponse { Acknowledgment = Acknowledged };
    }

    private async Task<SubmitContainerStateChangeResponse> SubmitContainerStateChangeAsync(
        SubmitContainerStateChangeRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var task = await TaskOfAsync(request.Cluster, request.Task, context, cancellationToken).ConfigureAwait(false);
        var container = ContainerReportOf(task, request.ContainerName, request.Status, request.RuntimeId, request.ExitCode, request.Reason,
            request.NetworkBindings, imageDigest: null);
        await ApplyAsync(task, context, new AgentTaskReport
        {
            ContainerInstanceArn = task.ContainerInstanceArn!,
            TaskArn = task.TaskArn!,
            LastStatus = task.LastStatus!,
            Containers = [container],
        }, cancellationToken).ConfigureAwait(false);
        return new SubmitContainerStateChangeResponse { Acknowledgment = Acknowledged };
    }

    /// <summary>
    /// Attachments here are a container instance's (ECS's trunk network interfaces). Berth's instances have none: each
    /// task's network interface is made and reported by Berth itself. So every attachment named is one Berth does not
    /// know, which is refused rather than acknowledged.
    /// </summary>
    private async Task<SubmitAttachmentStateChangesResponse> SubmitAttachmentStateChangesAsync(
        SubmitAttachmentStateChangesRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        var attachments = request.Attachments is { Count: > 0 } given ? given : throw new InvalidParameterException("attachments must not be empty.");
        var first = Require.NotBlank(attachments[0].AttachmentArn, "attachments.attachmentArn");
        throw new InvalidParameterException(
            $"The attachment '{first}' was not found in cluster {cluster.ClusterName}: Berth's container instances have no attachments of their own.");
    }

    /// <summary>
    /// Berth's agent is the <c>berth</c> binary, of the server's version; the control plane cannot replace it on a
    /// machine, so ECS's "no update available" is the honest answer, saying what to do instead.
    /// </summary>
    private async Task<UpdateContainerAgentResponse> UpdateContainerAgentAsync(
        UpdateContainerAgentRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        var name = Require.NotBlank(request.ContainerInstance, "containerInstance");
        var instance = await state.FindInstanceAsync(cluster, name, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidParameterException($"The referenced container instance '{name}' was not found in cluster {cluster.ClusterName}.");
        var version = instance.Value.Instance.VersionInfo?.AgentVersion;
        throw new NoUpdateAvailableException(version == AgentVersions.Current
            ? $"There is no update available for the agent on this container instance: it runs {version}, the version of this server."
            : $"The agent on this container instance runs {version ?? "an unknown version"} and this server is {AgentVersions.Current}; Berth cannot replace an agent remotely: restart it with this server's berth binary.");
    }

    private async Task<EcsTask> TaskOfAsync(string? clusterName, string? taskName, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, clusterName, cancellationToken).ConfigureAwait(false);
        var id = Require.NotBlank(taskName, "task");
        var task = await state.FindTaskAsync(cluster, ClusterState.TaskArnOf(cluster, id), cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidParameterException("The referenced task was not found.");
        return task.Value;
    }

    /// <summary>An agent (by its own credentials) speaks for its own instance's tasks only, as on the agent protocol.</summary>
    private async Task ApplyAsync(EcsTask task, RequestContext context, AgentTaskReport report, CancellationToken cancellationToken)
    {
        var fromAgent = AgentPrincipal.IsAgent(context.PrincipalArn);
        if (fromAgent && context.PrincipalArn != task.ContainerInstanceArn)
        {
            throw new AccessDeniedException($"User: {context.PrincipalArn} is not authorized to report on {task.TaskArn}: an agent acts for its own container instance and tasks only");
        }
        var (outcome, wake) = await reports.ApplyAsync(report, fromAgent, cancellationToken).ConfigureAwait(false);
        if (outcome is TaskReports.Outcome.NotFound or TaskReports.Outcome.NotOwn)
        {
            throw new InvalidParameterException("The referenced task was not found.");
        }
        services.Notify(wake); // a task of a service changed: its service's round reacts now
    }

    private static ContainerReport ContainerReportOf(EcsTask task, string? name, string? status, string? runtimeId, int? exitCode, string? reason,
        IReadOnlyList<NetworkBinding>? bindings, string? imageDigest)
    {
        var containerName = Require.NotBlank(name, "containerName");
        var container = task.Containers?.FirstOrDefault(c => c.Name == containerName)
            ?? throw new InvalidParameterException($"The task has no container named '{containerName}'.");
        if (status is not null)
        {
            Require.OneOf(status, ReportedStatuses, "status");
        }
        return new ContainerReport
        {
            Name = containerName,
            LastStatus = status ?? container.LastStatus!,
            RuntimeId = runtimeId,
            ExitCode = exitCode,
            Reason = reason,
            NetworkBindings = bindings,
            ImageDigest = imageDigest,
        };
    }

    /// <summary>
    /// A task's attachments (its network interface) are made and reported by Berth itself: a caller may acknowledge
    /// the status Berth reports, never set another, and names the attachment by its ARN (ending in its id) or id.
    /// </summary>
    private static void RequireAttachments(EcsTask task, IReadOnlyList<AttachmentStateChange>? changes)
    {
        foreach (var change in changes ?? [])
        {
            var arn = Require.NotBlank(change.AttachmentArn, "attachments.attachmentArn");
            var status = Require.NotBlank(change.Status, "attachments.status");
            var attachment = (task.Attachments ?? []).FirstOrDefault(a => a.Id is { } id && (arn == id || arn.EndsWith("/" + id, StringComparison.Ordinal)))
                ?? throw new InvalidParameterException($"The attachment '{arn}' is not an attachment of task {task.TaskArn}.");
            if (attachment.Status != status)
            {
                throw new InvalidParameterException(
                    $"Berth manages the attachment '{arn}' of task {task.TaskArn} itself: its status is {attachment.Status}, not {status}.");
            }
        }
    }

    /// <summary>Managed agents (ECS Exec's ExecuteCommandAgent) exist only where a task has them.</summary>
    private static void RequireManagedAgents(EcsTask task, IReadOnlyList<ManagedAgentStateChange>? changes)
    {
        foreach (var change in changes ?? [])
        {
            Require.OneOf(change.ManagedAgentName, EcsEnums.ManagedAgentName, "managedAgents.managedAgentName");
            var container = task.Containers?.FirstOrDefault(c => c.Name == change.ContainerName);
            if (container?.ManagedAgents?.Any(a => a.Name == change.ManagedAgentName) != true)
            {
                throw new InvalidParameterException(
                    $"The container '{change.ContainerName}' of task {task.TaskArn} has no managed agent {change.ManagedAgentName}.");
            }
        }
    }
}
