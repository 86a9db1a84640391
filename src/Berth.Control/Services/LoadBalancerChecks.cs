using Berth.Control.LoadBalancing;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;
using Berth.Store;

namespace Berth.Control.Services;

/// <summary>
/// CreateService's and UpdateService's checks of <c>loadBalancers</c> that need the ELB state, as ECS makes them: the
/// target group exists, a load balancer forwards to it, and its target type suits the task definition's network mode
/// (ip for awsvpc, instance for bridge and host).
/// </summary>
public static class LoadBalancerChecks
{
    public static async Task ValidateAsync(
        IStateStore store, IReadOnlyList<LoadBalancer>? loadBalancers, TaskDefinition definition, CancellationToken cancellationToken)
    {
        if (loadBalancers is not { Count: > 0 })
        {
            return;
        }
        var lookup = new ElbLookup(store);
        var topology = await lookup.TopologyAsync(cancellationToken).ConfigureAwait(false);
        // A blank targetGroupArn is refused by ServiceFactory's validation with the field named.
        foreach (var arn in loadBalancers.Select(l => l.TargetGroupArn).OfType<string>())
        {
            var group = await store.GetAsync(ElbRecords.TargetGroups, arn, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidParameterException($"The target group with targetGroupArn {arn} does not exist.");
            if (topology.LoadBalancersOf(arn).Count == 0)
            {
                throw new InvalidParameterException($"The target group with targetGroupArn {arn} does not have an associated load balancer.");
            }
            var type = group.Value.TargetGroup.TargetType ?? "instance";
            var networkMode = definition.NetworkMode ?? "bridge";
            if (type != TaskTargetAddress.TargetTypeFor(networkMode))
            {
                throw new InvalidParameterException(
                    $"The provided target group {arn} has target type {type}, which is incompatible with the {networkMode} network mode specified in the task definition.");
            }
        }
    }
}
