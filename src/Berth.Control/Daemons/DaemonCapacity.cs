using Berth.Core.Arns;
using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Store;

namespace Berth.Control.Daemons;

/// <summary>
/// The capacity providers a daemon runs on. ECS runs daemons only on capacity providers of container instances (its
/// Managed Instances providers); in Berth those are the providers of an Auto Scaling group (docs/architecture.md,
/// Capacity providers), so FARGATE and FARGATE_SPOT are refused, as is a provider the cluster does not use.
/// </summary>
public static class DaemonCapacity
{
    /// <summary>A provider of a daemon: its ARN, name and the Auto Scaling group whose instances it stands for.</summary>
    public sealed record Provider(string Arn, string Name, string Group);

    /// <summary>The providers a CreateDaemon or UpdateDaemon names, each checked; ARNs or names are accepted.</summary>
    public static async Task<IReadOnlyList<Provider>> ResolveAsync(
        IStateStore store, ResourceScope scope, Cluster cluster, IReadOnlyList<string> arnsOrNames, CancellationToken cancellationToken)
    {
        var providers = new List<Provider>();
        foreach (var given in arnsOrNames)
        {
            var name = NameOf(given);
            if (CapacityProviderRules.IsFargate(name))
            {
                throw new InvalidParameterException(
                    $"Daemons run only on capacity providers of container instances; {name} is not one.");
            }
            if (await GroupAsync(store, scope, name, cancellationToken).ConfigureAwait(false) is not { } group)
            {
                throw new InvalidParameterException($"The specified capacity provider {given} does not exist.");
            }
            if (cluster.CapacityProviders?.Contains(name) != true)
            {
                throw new InvalidParameterException(
                    $"The specified capacity provider {name} is not associated with the cluster {cluster.ClusterName}.");
            }
            providers.Add(new Provider(scope.CapacityProviderArn(name), name, group));
        }
        return providers;
    }

    /// <summary>The group of a stored provider by ARN; null when it is gone or being deleted (its instances then get no daemon task).</summary>
    public static Task<string?> GroupAsync(IStateStore store, ResourceScope scope, string arnOrName, CancellationToken cancellationToken) =>
        Capacity.CapacityProviderState.GroupOfAsync(store, scope, NameOf(arnOrName), cancellationToken);

    /// <summary>A capacity provider ARN's last segment is its name.</summary>
    public static string NameOf(string arnOrName) =>
        EcsArn.TryParse(arnOrName, out var arn) && arn.ResourceType == "capacity-provider" ? arn.ResourceId : arnOrName;
}
