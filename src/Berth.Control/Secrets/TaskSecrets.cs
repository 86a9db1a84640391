using Berth.Control.Identity;
using Berth.Core.Agent;
using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Identity.Credentials;

namespace Berth.Control.Secrets;

/// <summary>
/// A task's <c>secrets</c> and log <c>secretOptions</c> as its assignment carries them to the agent: resolved at
/// assignment time, in the task's account and region, never stored. The values exist only in the poll's answer. With
/// <see cref="TaskSecretOptions.AuthorizeExecutionRole"/>, each is read as the execution role's session for the task
/// (<see cref="TaskRoleSessions.SessionPrincipalArn"/>), the principal ECS reads them as.
/// </summary>
public sealed class TaskSecrets(SecretValueResolver resolver, TaskSecretOptions options)
{
    /// <summary>Every container's resolved secrets by container name, or null when no container has any.</summary>
    /// <exception cref="SecretResolutionException">A valueFrom cannot be read; the message is ECS's stopped reason.</exception>
    public async Task<IReadOnlyDictionary<string, ContainerSecretValues>?> ResolveAsync(EcsTask task, TaskDefinition definition, CancellationToken cancellationToken)
    {
        Dictionary<string, ContainerSecretValues>? values = null;
        foreach (var container in definition.ContainerDefinitions ?? [])
        {
            var environment = container.Secrets ?? [];
            var logOptions = container.LogConfiguration?.SecretOptions ?? [];
            if (environment.Count == 0 && logOptions.Count == 0)
            {
                continue;
            }
            var scope = EcsArn.TryParse(task.TaskArn, out var arn)
                ? arn.Scope
                : throw new InvalidDataException($"Task ARN {task.TaskArn} of an assigned task does not parse.");
            var reader = options.AuthorizeExecutionRole && TaskRoleSessions.RoleArnOf(task, definition, TaskRoleSessionKind.Execution) is { } role
                ? TaskRoleSessions.SessionPrincipalArn(task.TaskArn!, role)
                : null;
            values ??= new Dictionary<string, ContainerSecretValues>(StringComparer.Ordinal);
            values[container.Name!] = new ContainerSecretValues
            {
                Environment = await resolver.ResolveAllAsync(Pairs(environment), scope, reader, cancellationToken).ConfigureAwait(false),
                LogOptions = await resolver.ResolveAllAsync(Pairs(logOptions), scope, reader, cancellationToken).ConfigureAwait(false),
            };
        }
        return values;
    }

    private static IEnumerable<KeyValuePair<string, string>> Pairs(IReadOnlyList<Secret> secrets) =>
        secrets.Select(s => System.Collections.Generic.KeyValuePair.Create(s.Name!, s.ValueFrom!));
}
