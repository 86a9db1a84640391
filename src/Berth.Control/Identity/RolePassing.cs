using System.Text.Json;
using Berth.Control.TaskDefinitions;
using Berth.Core.Arns;
using Berth.Core.Errors;
using Berth.Core.Identity.Authorization;
using Berth.Core.Services;
using Berth.Store;

namespace Berth.Control.Identity;

/// <summary>
/// iam:PassRole as ECS checks it when a request hands roles to tasks: RegisterTaskDefinition (its taskRoleArn and
/// executionRoleArn), RunTask and StartTask (the overrides' roles), CreateService and UpdateService (the roles of the
/// task definition the service will launch). For each role the caller must be allowed iam:PassRole on it (the root
/// user always is; iam:PassedToService is ecs-tasks.amazonaws.com), and the role must exist and trust
/// ecs-tasks.amazonaws.com, or ECS could never assume it for the task. CreateService's <c>role</c>, which ECS itself
/// assumes to register the service's targets with its load balancers, is passed to ecs.amazonaws.com the same way.
/// </summary>
public sealed class RolePassing(IStateStore store, IamRoles roles, RequestAuthorization authorization)
{
    public const string EcsTasksService = "ecs-tasks.amazonaws.com";

    public const string EcsService = "ecs.amazonaws.com";

    private static readonly Recipient EcsTasks = new(EcsTasksService, role =>
        new ClientException($"ECS was unable to assume the role '{role}' that was provided for this task. Please verify that the role " +
            "being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role."));

    private static readonly Recipient Ecs = new(EcsService, _ =>
        new InvalidParameterException("Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role " +
            "being passed has the proper permissions."));

    /// <summary>
    /// Allowed, or the caller's refusal to pass a role (AccessDenied naming iam:PassRole and the role); a role that does
    /// not exist or does not trust the service it is passed to is refused in ECS's words (ClientException for a task's
    /// role, InvalidParameterException for a service's load-balancer role).
    /// </summary>
    /// <param name="operation">The ECS operation; others pass no roles.</param>
    /// <param name="request">The request as the JSON of the operation's input shape.</param>
    public async Task<AuthorizationDecision> CheckAsync(string principalArn, ResourceScope scope, string operation, JsonElement request, RequestFacts facts,
        CancellationToken cancellationToken)
    {
        foreach (var (roleArn, recipient) in await PassedRolesAsync(scope, operation, request, cancellationToken).ConfigureAwait(false))
        {
            var decision = await authorization.AuthorizeActionAsync(principalArn, scope, "iam:PassRole", new RequestedResource(roleArn, "role", IsExact: true),
                recipient.Context, facts, cancellationToken).ConfigureAwait(false);
            if (!decision.IsAllowed)
            {
                return decision;
            }
            var role = await roles.FindByArnAsync(scope.AccountId, roleArn, cancellationToken).ConfigureAwait(false);
            if (role is null || !IamRoles.Trusts(role, recipient.Principal, RequestContext.Empty).IsAllowed)
            {
                throw recipient.Refusal(roleArn);
            }
        }
        return AuthorizationDecision.Allowed;
    }

    private async Task<IReadOnlyList<(string RoleArn, Recipient Recipient)>> PassedRolesAsync(ResourceScope scope, string operation, JsonElement request,
        CancellationToken cancellationToken)
    {
        switch (operation)
        {
            case "RegisterTaskDefinition":
                return ToTasks(RolesOf(request));
            case "RunTask" or "StartTask":
                return request.TryGetProperty("overrides", out var overrides) ? ToTasks(RolesOf(overrides)) : [];
            case "CreateService" or "UpdateService":
                // The service launches its tasks with the task definition's roles, in the caller's name.
                var passed = new List<(string, Recipient)>();
                if (operation == "CreateService" && Text(request, "role") is { Length: > 0 } serviceRole)
                {
                    passed.Add((ServiceFactory.RoleArnOf(scope, serviceRole)!, Ecs));
                }
                var name = Text(request, "taskDefinition");
                if (name is not null && await TaskDefinitionLookup.FindAsync(store, scope, name, cancellationToken).ConfigureAwait(false) is { } found)
                {
                    passed.AddRange(ToTasks(new[] { found.Value.Definition.TaskRoleArn, found.Value.Definition.ExecutionRoleArn }.OfType<string>()
                        .Distinct(StringComparer.Ordinal)));
                }
                return passed;
            default:
                return [];
        }
    }

    private static List<(string, Recipient)> ToTasks(IEnumerable<string> roleArns) => [.. roleArns.Select(arn => (arn, EcsTasks))];

    private static IEnumerable<string> RolesOf(JsonElement holder) =>
        new[] { Text(holder, "taskRoleArn"), Text(holder, "executionRoleArn") }.OfType<string>().Where(a => a.Length > 0).Distinct(StringComparer.Ordinal);

    private static string? Text(JsonElement holder, string member) =>
        holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The service a role is passed to: its iam:PassedToService context, the principal its trust policy must allow, and ECS's refusal.</summary>
    private sealed class Recipient(string service, Func<string, EcsException> refusal)
    {
        public RequestContext Context { get; } = RequestContext.Empty.With("iam:PassedToService", service);

        public AuthorizationPrincipal Principal { get; } = AuthorizationPrincipal.ServicePrincipal(service);

        public EcsException Refusal(string roleArn) => refusal(roleArn);
    }
}
