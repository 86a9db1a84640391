using System.Security.Cryptography;
using Berth.Api.Agent;
using Berth.Api.Protocol;
using Berth.Control.Agents;
using Berth.Control.Clusters;
using Berth.Core.Agent;
using Berth.Core.ContainerInstances;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Exec;
using Berth.Store;

namespace Berth.Api.Ecs.Tasks;

/// <summary>
/// ExecuteCommand (ECS Exec): checks the task and container (<see cref="ExecuteCommandRules"/>) and that the task's
/// agent is connected, then opens a short-lived session (<see cref="ExecSessions"/>) and answers where to stream it:
/// Berth's own relay, <c>ws(s)://&lt;server&gt;/_berth/exec/v1/&lt;sessionId&gt;</c>, and the token that authorizes the
/// stream. The aws CLI hands that to AWS's session-manager-plugin, which speaks Systems Manager's protocol; Berth's
/// client for it is <c>berth exec</c> (README, "ECS Exec").
/// </summary>
internal sealed class ExecuteCommandHandler(ClusterState state, ExecSessions sessions, AgentLiveness liveness)
{
    public void Register(JsonService service) => service.Add<ExecuteCommandRequest, ExecuteCommandResponse>(ExecuteAsync);

    private async Task<ExecuteCommandResponse> ExecuteAsync(ExecuteCommandRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var command = ExecuteCommandRules.ValidateRequest(request);
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        var taskArn = ClusterState.TaskArnOf(cluster, request.Task!);
        var task = (await state.FindTaskAsync(cluster, taskArn, cancellationToken).ConfigureAwait(false))?.Value
            ?? throw new InvalidParameterException("The referenced task was not found.");
        var container = ExecuteCommandRules.ContainerFor(task, request.Container);
        var instance = task.ContainerInstanceArn is { } instanceArn
            ? await state.Store.GetAsync(EcsRecords.ContainerInstances, instanceArn, cancellationToken).ConfigureAwait(false)
            : null;
        if (instance is null || !liveness.IsConnected(await state.Store.LastSeenAsync(instance.Id, cancellationToken).ConfigureAwait(false), context.Now))
        {
            throw new TargetNotConnectedException();
        }
        var session = sessions.Open(instance.Id, new ExecSessionAssignment
        {
            SessionId = $"ecs-execute-command-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}",
            TaskArn = taskArn,
            ContainerName = container.Name!,
            Command = command,
        }, context.PrincipalArn);
        return new ExecuteCommandResponse
        {
            ClusterArn = cluster.ClusterArn,
            ContainerArn = container.ContainerArn,
            ContainerName = container.Name,
            Interactive = true,
            TaskArn = taskArn,
            Session = new Session
            {
                SessionId = session.Assignment.SessionId,
                StreamUrl = StreamUrlOf(context.Endpoint, session.Assignment.SessionId),
                TokenValue = session.Token,
            },
        };
    }

    /// <summary>The relay on the address the caller reached the server at, in the WebSocket scheme of its HTTP one.</summary>
    private static string StreamUrlOf(string? endpoint, string sessionId)
    {
        var server = new UriBuilder(endpoint ?? throw new InvalidOperationException("ExecuteCommand needs the server's address."));
        server.Scheme = server.Scheme == Uri.UriSchemeHttps ? Uri.UriSchemeWss : Uri.UriSchemeWs;
        server.Path = ExecRelay.ClientPath + sessionId;
        return server.Uri.ToString();
    }
}
