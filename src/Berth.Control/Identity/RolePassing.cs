using System.Text.Json;
using Berth.Control.TaskDefinitions;
using Berth.Core.Arns;
using Berth.Core.Errors;
using Berth.Core.Identity.Authorization;
using Berth.Store;

namespace Berth.Control.Identity;

/// <summary>
/// iam:PassRole as ECS checks it when a request hands roles to tasks: RegisterTaskDefinition (its taskRoleArn and
/// executionRoleArn), RunTask and StartTask (the overrides' roles), CreateService and UpdateService (the roles of the
/// task definition the service will launch). For each role the caller must be allowed iam:PassRole on it (the root
/// user always is; iam:PassedToService is ecs-tasks.amazonaws.com), and the role must exist and trust
/// ecs-tasks.amazonaws.com, or ECS could never assume it for the task.
/// </summary>
public sealed class RolePassing(IStateStore store, IamRoles roles, RequestAuthorization authorization)
{
    public const string EcsTasksService = "ecs-tasks.amazonaws.com";

    private static readonly AuthorizationPrincipal EcsTasks = AuthorizationPrincipal.ServicePrincipal(EcsTasksService);

    private static readonly RequestContext PassedToEcsTasks = RequestContext.Empty.With("iam:PassedToService", EcsTasksService);

    /// <summary>
    /// Allowed, or the caller's refusal to pass a role (AccessDenied naming iam:PassRole and the role); a role that does
    /// not exist or does not trust ecs-tasks.amazonaws.com is ClientException, in ECS's words.
    /// </summary>
    /// <param name="operation">The ECS operation; others pass no roles.</param>
    /// <param name="request">The request as the JSON of the operation's input shape.</param>
    public async Task<AuthorizationDecision> CheckAsync(string principalArn, ResourceScope scope, string operation, JsonElement request, RequestFacts facts,
        CancellationToken cancellationToken)
    {
        foreach (var roleArn in await PassedRolesAsync(scope, operation, request, cancellationToken).ConfigureAwait(false))
        {
            var decision = await authorization.AuthorizeActionAsync(principalArn, scope, "iam:PassRole", new RequestedResource(roleArn, "role", IsExact: true),
                PassedToEcsTasks, facts, cancellationToken).ConfigureAwait(false);
            if (!decision.IsAllowed)
            {
                return decision;
            }
            var role = await roles.FindByArnAsync(scope.AccountId, roleArn, cancellationToken).ConfigureAwait(false);
            if (role is null || !IamRoles.Trusts(role, EcsTasks, RequestContext.Empty).IsAllowed)
            {
                throw new ClientException($"ECS was unable to assume the role '{roleArn}' that was provided for this task. Please verify that the role " +
                    "being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.");
            }
        }
        return AuthorizationDecision.Allowed;
    }

    private async Task<IReadOnlyList<string>> PassedRolesAsync(ResourceScope scope, string operation, JsonElement request, CancellationToken cancellationToken)
    {
        switch (operation)
        {
            case "RegisterTaskDefinition":
                return RolesOf(request);
            case "RunTask" or "StartTask":
                return request.TryGetProperty("overrides", out var overrides) ? RolesOf(overrides) : [];
            case "CreateService" or "UpdateService":
                // The service launches its tasks with the task definition's roles, in the caller's name.
                var name = Text(request, "taskDefinition");
                if (name is null || await TaskDefinitionLookup.FindAsync(store, scope, name, cancellationToken).ConfigureAwait(false) is not { } found)
                {
                    return [];
                }
                return [.. new[] { found.Value.Definition.TaskRoleArn, found.Value.Definition.ExecutionRoleArn }.OfType<string>().Distinct(StringComparer.Ordinal)];
            default:
                return [];
        }
    }

    private static List<string> RolesOf(JsonElement holder) =>
        [.. new[] { Text(holder, "taskRoleArn"), Text(holder, "executionRoleArn") }.OfType<string>().Where(a => a.Length > 0).Distinct(StringComparer.Ordinal)];

    private static string? Text(JsonElement holder, string member) =>
        holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
