using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Core.AutoScaling;
using Berth.Core.Ecs;
using Berth.Core.Elb;
using Berth.Core.Errors;
using Berth.Core.Express;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Ecs.Express;

/// <summary>
/// The calls an Express service makes on its infrastructure role's behalf, as ECS makes them in AWS: through the very
/// operations Berth's ECS, ELBv2 and Application Auto Scaling APIs answer (RegisterTaskDefinition, CreateTargetGroup,
/// CreateService, PutScalingPolicy, …), in the caller's context, so every resource is checked, stored and served
/// (the ELB data plane, the service scheduler, the scaling engine) exactly as if the caller had made the calls.
/// </summary>
/// <param name="ecs">The ECS service's own operations (this handler is one of them).</param>
/// <param name="services">Resolves the ELBv2 and Application Auto Scaling services on first use: they and ECS are built in any order.</param>
internal sealed class ExpressInfrastructure(OperationTable ecs, IServiceProvider services)
{
    /// <summary>A port taken by something else between the pick and the claim is picked again, a few times.</summary>
    private const int ListenerAttempts = 5;

    private OperationTable Elb => field ??= services.GetServices<QueryService>().Single(s => s.Model.SigningName == "elasticloadbalancing").Operations;

    private OperationTable AutoScaling => field ??= services.GetServices<JsonService>().Single(s => s.TargetPrefix == AutoScalingOperations.TargetPrefix).Operations;

    public async Task<TaskDefinition> RegisterTaskDefinitionAsync(string serviceName, ExpressGatewayServiceConfiguration configuration, RequestContext context, CancellationToken cancellationToken)
    {
        var response = await ecs.InvokeAsync<RegisterTaskDefinitionRequest, RegisterTaskDefinitionResponse>(
            "RegisterTaskDefinition", ExpressGatewayPlan.TaskDefinition(serviceName, configuration), context, cancellationToken).ConfigureAwait(false);
        return response.TaskDefinition!;
    }

    /// <summary>
    /// The target group, load balancer and listener. ELB's creates are idempotent on the names, and a load balancer that
    /// already has a listener (a create that failed after it) keeps it, so a retried create makes no second set.
    /// </summary>
    public async Task<(string LoadBalancerArn, string ListenerArn, int Port, string TargetGroupArn)> ProvisionLoadBalancingAsync(
        string name, string vpcId, IReadOnlyList<string> subnets, ExpressGatewayServiceConfiguration configuration, IReadOnlyList<Core.Ecs.Tag> tags,
        RequestContext context, CancellationToken cancellationToken)
    {
        var group = (await Elb.InvokeAsync<CreateTargetGroupInput, CreateTargetGroupOutput>(
            "CreateTargetGroup", ExpressGatewayPlan.TargetGroup(name, vpcId, configuration), context, cancellationToken).ConfigureAwait(false)).TargetGroups![0];
        await Elb.InvokeAsync<ModifyTargetGroupAttributesInput, ModifyTargetGroupAttributesOutput>("ModifyTargetGroupAttributes", new ModifyTargetGroupAttributesInput
        {
            TargetGroupArn = group.TargetGroupArn,
            Attributes = [new TargetGroupAttribute { Key = "deregistration_delay.timeout_seconds", Value = ExpressGatewayPlan.DeregistrationDelaySeconds }],
        }, context, cancellationToken).ConfigureAwait(false);
        var balancer = (await Elb.InvokeAsync<CreateLoadBalancerInput, CreateLoadBalancerOutput>(
            "CreateLoadBalancer", ExpressGatewayPlan.LoadBalancer(name, subnets, tags), context, cancellationToken).ConfigureAwait(false)).LoadBalancers![0];
        var existing = (await Elb.InvokeAsync<DescribeListenersInput, DescribeListenersOutput>(
            "DescribeListeners", new DescribeListenersInput { LoadBalancerArn = balancer.LoadBalancerArn }, context, cancellationToken).ConfigureAwait(false)).Listeners;
        var listener = existing is [var kept, ..] ? kept : await CreateListenerAsync(balancer.LoadBalancerArn!, group.TargetGroupArn!, context, cancellationToken).ConfigureAwait(false);
        return (balancer.LoadBalancerArn!, listener.ListenerArn!, listener.Port!.Value, group.TargetGroupArn!);
    }

    public Task<CreateServiceResponse> CreateServiceAsync(CreateServiceRequest request, RequestContext context, CancellationToken cancellationToken) =>
        ecs.InvokeAsync<CreateServiceRequest, CreateServiceResponse>("CreateService", request, context, cancellationToken);

    public Task<UpdateServiceResponse> UpdateServiceAsync(UpdateServiceRequest request, RequestContext context, CancellationToken cancellationToken) =>
        ecs.InvokeAsync<UpdateServiceRequest, UpdateServiceResponse>("UpdateService", request, context, cancellationToken);

    public Task ModifyHealthCheckAsync(string targetGroupArn, string path, RequestContext context, CancellationToken cancellationToken) =>
        Elb.InvokeAsync<ModifyTargetGroupInput, ModifyTargetGroupOutput>(
            "ModifyTargetGroup", new ModifyTargetGroupInput { TargetGroupArn = targetGroupArn, HealthCheckPath = path }, context, cancellationToken);

    /// <summary>Registers (or updates) the scalable target and its target tracking policy; returns their ARNs.</summary>
    public async Task<(string TargetArn, string PolicyArn)> ScaleAsync(
        string resourceId, ExpressGatewayScalingTarget scaling, string loadBalancerArn, string targetGroupArn, RequestContext context, CancellationToken cancellationToken)
    {
        var target = await AutoScaling.InvokeAsync<RegisterScalableTargetRequest, RegisterScalableTargetResponse>(
            "RegisterScalableTarget", ExpressGatewayPlan.ScalableTarget(resourceId, scaling), context, cancellationToken).ConfigureAwait(false);
        var policy = await AutoScaling.InvokeAsync<PutScalingPolicyRequest, PutScalingPolicyResponse>(
            "PutScalingPolicy", ExpressGatewayPlan.ScalingPolicy(resourceId, scaling, loadBalancerArn, targetGroupArn), context, cancellationToken).ConfigureAwait(false);
        return (target.ScalableTargetARN!, policy.PolicyARN!);
    }

    /// <summary>
    /// Everything the Express service provisioned, service first: its scalable target (with the policy and its alarms),
    /// the ECS service (DRAINING, its tasks stopped by the scheduler), the load balancer with its listener, the target group.
    /// </summary>
    public async Task RemoveAsync(ExpressGatewayRecord record, RequestContext context, CancellationToken cancellationToken)
    {
        try
        {
            await AutoScaling.InvokeAsync<DeregisterScalableTargetRequest, DeregisterScalableTargetResponse>("DeregisterScalableTarget", new DeregisterScalableTargetRequest
            {
                ServiceNamespace = "ecs",
                ResourceId = record.Resources.ScalableTargetResourceId,
                ScalableDimension = "ecs:service:DesiredCount",
            }, context, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            // Deregistered already (a delete that failed after it): nothing left to remove.
        }
        await ecs.InvokeAsync<DeleteServiceRequest, DeleteServiceResponse>("DeleteService", new DeleteServiceRequest
        {
            Cluster = record.ClusterArn,
            Service = record.ServiceArn,
            Force = true,
        }, context, cancellationToken).ConfigureAwait(false);
        await Elb.InvokeAsync<DeleteLoadBalancerInput, DeleteLoadBalancerOutput>(
            "DeleteLoadBalancer", new DeleteLoadBalancerInput { LoadBalancerArn = record.Resources.LoadBalancerArn }, context, cancellationToken).ConfigureAwait(false);
        await Elb.InvokeAsync<DeleteTargetGroupInput, DeleteTargetGroupOutput>(
            "DeleteTargetGroup", new DeleteTargetGroupInput { TargetGroupArn = record.Resources.TargetGroupArn }, context, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Listener> CreateListenerAsync(string loadBalancerArn, string targetGroupArn, RequestContext context, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await Elb.InvokeAsync<CreateListenerInput, CreateListenerOutput>(
                    "CreateListener", ExpressGatewayPlan.Listener(loadBalancerArn, LoopbackPorts.Free(), targetGroupArn), context, cancellationToken).ConfigureAwait(false)).Listeners![0];
            }
            catch (DuplicateListenerException) when (attempt < ListenerAttempts)
            {
            }
        }
    }
}
