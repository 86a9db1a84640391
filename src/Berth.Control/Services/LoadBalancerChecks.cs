using Berth.Control.LoadBalancing;
using Berth.Core.Ecs;
using Berth.Core.Elb;
using Berth.Core.Errors;
using Berth.Core.Services;
using Berth.Store;
using LoadBalancer = Berth.Core.Ecs.LoadBalancer;

namespace Berth.Control.Services;

/// <summary>
/// CreateService's and UpdateService's checks of <c>loadBalancers</c> that need the ELB state, as ECS makes them: the
/// target group exists, a load balancer forwards to it, and its target type suits the task definition's network mode
/// (ip for awsvpc, instance for bridge and host). The same holds for a blue/green alternate target group, and the
/// production and test listener rules exist and forward to the service's target group or its alternate.
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
        foreach (var balancer in loadBalancers)
        {
            var advanced = balancer.AdvancedConfiguration;
            foreach (var arn in (string?[])[balancer.TargetGroupArn, advanced?.AlternateTargetGroupArn])
            {
                if (arn is not null)
                {
                    await ValidateTargetGroupAsync(store, topology, arn, definition, cancellationToken).ConfigureAwait(false);
                }
            }
            foreach (var rule in (string?[])[advanced?.ProductionListenerRule, advanced?.TestListenerRule])
            {
                if (rule is not null)
                {
                    await ValidateRuleAsync(lookup, rule, balancer, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static async Task ValidateTargetGroupAsync(
        IStateStore store, ElbTopology topology, string arn, TaskDefinition definition, CancellationToken cancellationToken)
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

    /// <summary>The rule exists, forwards, and names the load balancer's target group or its alternate, so rewriting its weights shifts this service's traffic.</summary>
    private static async Task ValidateRuleAsync(ElbLookup lookup, string ruleArn, LoadBalancer balancer, CancellationToken cancellationToken)
    {
        IReadOnlyList<ElbAction> actions;
        try
        {
            actions = await ListenerRuleForwards.ActionsAsync(lookup, ruleArn, cancellationToken).ConfigureAwait(false);
        }
        catch (QueryServiceException)
        {
            throw new InvalidParameterException($"The listener rule {ruleArn} does not exist.");
        }
        var groups = ElbActionRules.ForwardTargetOf(actions).TargetGroups.Select(g => g.TargetGroupArn);
        if (!groups.Any(g => g == balancer.TargetGroupArn || g == balancer.AdvancedConfiguration?.AlternateTargetGroupArn))
        {
            throw new InvalidParameterException(
                $"The listener rule {ruleArn} does not forward to the target group {balancer.TargetGroupArn} or its alternate {balancer.AdvancedConfiguration?.AlternateTargetGroupArn}.");
        }
    }
}
