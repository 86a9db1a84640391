using Berth.Control.Networking;
using Berth.Control.TaskDefinitions;
using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Networking;
using Berth.Core.State;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Control.Tasks;

/// <summary>
/// The checks RunTask, StartTask, CreateService and UpdateService share before anything is launched: whether the
/// named task definition can run with the launch type (<see cref="Berth.Core.Capacity.LaunchTarget"/> says which),
/// and the network its tasks join.
/// </summary>
public static class LaunchChecks
{
    /// <summary>The ACTIVE task definition <paramref name="name"/> resolves to, if it supports the launch type.</summary>
    public static async Task<Versioned<TaskDefinitionRecord>> LaunchableDefinitionAsync(
        IStateStore store, ResourceScope scope, string? name, string launchType, CancellationToken cancellationToken)
    {
        var found = await TaskDefinitionLookup.FindAsync(store, scope, Require.NotBlank(name, "taskDefinition"), cancellationToken).ConfigureAwait(false)
            ?? throw new ClientException("Unable to find task definition.");
        var definition = found.Value.Definition;
        if (definition.Status != "ACTIVE")
        {
            throw new ClientException($"TaskDefinition is inactive: {definition.TaskDefinitionArn}");
        }
        if (definition.Compatibilities?.Contains(launchType) != true)
        {
            throw new InvalidParameterException($"Task definition does not support launch_type {launchType}.");
        }
        return found;
    }

    /// <summary>
    /// The subnet and security groups an awsvpc task gets (null for other network modes), checked against the VPC
    /// registry as ECS checks networkConfiguration. Only awsvpc tasks read the registry; for the others a
    /// networkConfiguration is refused.
    /// </summary>
    public static async Task<TaskNetworkRequest?> NetworkOfAsync(
        IStateStore store, TaskDefinition definition, NetworkConfiguration? network, string launchType, CancellationToken cancellationToken)
    {
        var registry = definition.NetworkMode == AwsvpcRules.NetworkMode
            ? await new NetworkState(store).LoadAsync(cancellationToken).ConfigureAwait(false)
            : new NetworkRegistry();
        return AwsvpcRules.Resolve(definition, network, launchType, registry);
    }
}
