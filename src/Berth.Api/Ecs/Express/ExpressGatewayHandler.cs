using Berth.Api.Protocol;
using Berth.Control.Clusters;
using Berth.Control.Networking;
using Berth.Control.Tasks;
using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Express;
using Berth.Core.Networking;
using Berth.Core.Services;
using Berth.Core.State;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.Express;

/// <summary>
/// CreateExpressGatewayService, UpdateExpressGatewayService, DeleteExpressGatewayService and
/// DescribeExpressGatewayService. An Express service is an ECS service with the resources a web application needs,
/// provisioned through Berth's own APIs (<see cref="ExpressInfrastructure"/>); its record keeps what it made and the
/// configuration of each revision.
/// </summary>
internal sealed class ExpressGatewayHandler(ClusterState state, ExpressInfrastructure infrastructure)
{
    private IStateStore Store => state.Store;

    public void Register(JsonService service) => service
        .Add<CreateExpressGatewayServiceRequest, CreateExpressGatewayServiceResponse>(CreateAsync)
        .Add<UpdateExpressGatewayServiceRequest, UpdateExpressGatewayServiceResponse>(UpdateAsync)
        .Add<DeleteExpressGatewayServiceRequest, DeleteExpressGatewayServiceResponse>(DeleteAsync)
        .Add<DescribeExpressGatewayServiceRequest, DescribeExpressGatewayServiceResponse>(DescribeAsync);

    /// <summary>
    /// Checks everything it can before it provisions anything: the cluster, the configuration, that the name is free;
    /// the task definition's size and the network are checked by RegisterTaskDefinition and the same checks as RunTask.
    /// </summary>
    private async Task<CreateExpressGatewayServiceResponse> CreateAsync(CreateExpressGatewayServiceRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        var configuration = ExpressGatewayRules.Create(request, context.Now);
        // "If you don't specify a service name, Amazon ECS generates a unique name for the service."
        var serviceName = request.ServiceName ?? $"express-{Guid.NewGuid():N}"[..20];
        var serviceArn = context.Scope.ServiceArn(cluster.ClusterName!, serviceName);
        if (await Store.GetAsync(EcsRecords.Services, serviceArn, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            switch (existing.Value.Service.Status)
            {
                case ServiceStatuses.Active:
                    throw new InvalidParameterException("Creation of service was not idempotent.");
                case ServiceStatuses.Draining:
                    throw new InvalidParameterException("Unable to Start a service that is still Draining.");
            }
        }
        var definition = await infrastructure.RegisterTaskDefinitionAsync(serviceName, configuration, context, cancellationToken).ConfigureAwait(false);
        var subnets = await SubnetsAsync(configuration, cancellationToken).ConfigureAwait(false);
        var network = await LaunchChecks.NetworkOfAsync(Store, definition, ExpressGatewayPlan.Network(configuration, subnets), "FARGATE", cancellationToken).ConfigureAwait(false);
        var tags = request.Tags ?? [];
        var (balancerArn, listenerArn, port, groupArn) = await infrastructure.ProvisionLoadBalancingAsync(
            ExpressGatewayRules.ResourceName(serviceArn), network!.Subnets[0].VpcId!, subnets, configuration, tags, context, cancellationToken).ConfigureAwait(false);
        var created = await infrastructure.CreateServiceAsync(
            ExpressGatewayPlan.Service(cluster.ClusterArn!, serviceName, definition.TaskDefinitionArn!, groupArn, configuration, subnets, tags), context, cancellationToken).ConfigureAwait(false);
        var resourceId = ExpressGatewayRules.ScalableResourceId(cluster.ClusterName!, serviceName);
        var (targetArn, policyArn) = await infrastructure.ScaleAsync(resourceId, configuration.ScalingTarget!, balancerArn, groupArn, context, cancellationToken).ConfigureAwait(false);
        var record = new ExpressGatewayRecord
        {
            ServiceArn = serviceArn,
            ClusterArn = cluster.ClusterArn!,
            ServiceName = serviceName,
            InfrastructureRoleArn = request.InfrastructureRoleArn!,
            Status = ServiceStatuses.Active,
            Resources = new ExpressGatewayResources
            {
                LoadBalancerArn = balancerArn,
                ListenerArn = listenerArn,
                ListenerPort = port,
                TargetGroupArn = groupArn,
                ScalableTargetResourceId = resourceId,
                ScalableTargetArn = targetArn,
                ScalingPolicyArn = policyArn,
            },
            Configurations = [configuration with { ServiceRevisionArn = await RevisionOfAsync(created.Service!, cancellationToken).ConfigureAwait(false) }],
            Tags = tags,
            CreatedAt = context.Now,
            UpdatedAt = context.Now,
        };
        await Store.RetryOnConflictAsync(async ct =>
        {
            var previous = await Store.GetAsync(ExpressRecords.Services, serviceArn, ct).ConfigureAwait(false);
            await Store.CommitAsync([ExpressRecords.Put(record, previous?.Version ?? 0)], ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
        return new CreateExpressGatewayServiceResponse { Service = ExpressGatewayView.Describe(record, created.Service, withTags: true) };
    }

    /// <summary>
    /// A new task definition revision and a deployment of the ECS service when the tasks change; the target group's
    /// health check and the scaling target and policy when theirs do; nothing at all when nothing changes.
    /// </summary>
    private async Task<UpdateExpressGatewayServiceResponse> UpdateAsync(UpdateExpressGatewayServiceRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var (current, service) = await LiveAsync(request.ServiceArn, cancellationToken).ConfigureAwait(false);
        var record = current.Value;
        var last = record.Configurations[^1];
        if (ExpressGatewayRules.Update(last, request, context.Now) is not { } next)
        {
            return new UpdateExpressGatewayServiceResponse { Service = ExpressGatewayView.Updated(record, service) };
        }
        var revision = last.ServiceRevisionArn;
        if (ExpressGatewayRules.TasksDiffer(next, last))
        {
            var definition = await infrastructure.RegisterTaskDefinitionAsync(record.ServiceName, next, context, cancellationToken).ConfigureAwait(false);
            var subnets = await SubnetsAsync(next, cancellationToken).ConfigureAwait(false);
            var updated = await infrastructure.UpdateServiceAsync(new UpdateServiceRequest
            {
                Cluster = record.ClusterArn,
                Service = record.ServiceArn,
                TaskDefinition = definition.TaskDefinitionArn,
                NetworkConfiguration = ExpressGatewayPlan.Network(next, subnets),
                LoadBalancers = [new LoadBalancer { TargetGroupArn = record.Resources.TargetGroupArn, ContainerName = ExpressGatewayPlan.ContainerName, ContainerPort = next.PrimaryContainer!.ContainerPort }],
            }, context, cancellationToken).ConfigureAwait(false);
            service = updated.Service;
            revision = await RevisionOfAsync(updated.Service!, cancellationToken).ConfigureAwait(false);
        }
        if (next.HealthCheckPath != last.HealthCheckPath)
        {
            await infrastructure.ModifyHealthCheckAsync(record.Resources.TargetGroupArn, next.HealthCheckPath!, context, cancellationToken).ConfigureAwait(false);
        }
        if (next.ScalingTarget != last.ScalingTarget)
        {
            await infrastructure.ScaleAsync(record.Resources.ScalableTargetResourceId, next.ScalingTarget!, record.Resources.LoadBalancerArn,
                record.Resources.TargetGroupArn, context, cancellationToken).ConfigureAwait(false);
        }
        next = next with { ServiceRevisionArn = revision };
        var stored = await ChangeAsync(record.ServiceArn, r => r with
        {
            // A change that deploys nothing (health check, scaling) is a new configuration of the running revision.
            Configurations = [.. r.Configurations.Where(c => c.ServiceRevisionArn != revision), next],
            UpdatedAt = context.Now,
        }, cancellationToken).ConfigureAwait(false);
        return new UpdateExpressGatewayServiceResponse { Service = ExpressGatewayView.Updated(stored, service) };
    }

    /// <summary>The service goes DRAINING while its tasks stop; the load balancer stops answering at once.</summary>
    private async Task<DeleteExpressGatewayServiceResponse> DeleteAsync(DeleteExpressGatewayServiceRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var (current, _) = await LiveAsync(request.ServiceArn, cancellationToken).ConfigureAwait(false);
        await infrastructure.RemoveAsync(current.Value, context, cancellationToken).ConfigureAwait(false);
        var stored = await ChangeAsync(current.Id, r => r with { Status = ServiceStatuses.Draining, UpdatedAt = context.Now }, cancellationToken).ConfigureAwait(false);
        var service = await Store.GetAsync(EcsRecords.Services, stored.ServiceArn, cancellationToken).ConfigureAwait(false);
        return new DeleteExpressGatewayServiceResponse { Service = ExpressGatewayView.Describe(stored, service?.Value.Service, withTags: false) };
    }

    private async Task<DescribeExpressGatewayServiceResponse> DescribeAsync(DescribeExpressGatewayServiceRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        foreach (var field in request.Include ?? [])
        {
            Require.OneOf(field, EcsEnums.ExpressGatewayServiceInclude, "include");
        }
        var arn = ServiceArnOf(request.ServiceArn);
        var record = await Store.GetAsync(ExpressRecords.Services, arn, cancellationToken).ConfigureAwait(false)
            ?? throw new ResourceNotFoundException($"Express service {arn} was not found.");
        var service = await Store.GetAsync(EcsRecords.Services, arn, cancellationToken).ConfigureAwait(false);
        return new DescribeExpressGatewayServiceResponse
        {
            Service = ExpressGatewayView.Describe(record.Value, service?.Value.Service, withTags: request.Include?.Contains("TAGS") == true),
        };
    }

    /// <summary>An Express service that can still change: ServiceNotFoundException if there is none, ServiceNotActiveException once deleted.</summary>
    private async Task<(Versioned<ExpressGatewayRecord> Record, Service? Service)> LiveAsync(string? serviceArn, CancellationToken cancellationToken)
    {
        var arn = ServiceArnOf(serviceArn);
        var record = await Store.GetAsync(ExpressRecords.Services, arn, cancellationToken).ConfigureAwait(false) ?? throw new ServiceNotFoundException();
        var service = (await Store.GetAsync(EcsRecords.Services, arn, cancellationToken).ConfigureAwait(false))?.Value.Service;
        if (ExpressGatewayView.Status(record.Value, service).StatusCode != ServiceStatuses.Active)
        {
            throw new ServiceNotActiveException();
        }
        return (record, service);
    }

    private async Task<ExpressGatewayRecord> ChangeAsync(string arn, Func<ExpressGatewayRecord, ExpressGatewayRecord> change, CancellationToken cancellationToken) =>
        await Store.RetryOnConflictAsync(async ct =>
        {
            var current = await Store.GetAsync(ExpressRecords.Services, arn, ct).ConfigureAwait(false) ?? throw new ServiceNotFoundException();
            var next = change(current.Value);
            await Store.CommitAsync([ExpressRecords.Put(next, current.Version)], ct).ConfigureAwait(false);
            return next;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>The service revision a CreateService or UpdateService deploys: its current service deployment's target.</summary>
    private async Task<string?> RevisionOfAsync(Service service, CancellationToken cancellationToken) =>
        service.CurrentServiceDeployment is { } deployment
            ? (await Store.GetAsync(EcsRecords.ServiceDeployments, deployment, cancellationToken).ConfigureAwait(false))?.Value.TargetServiceRevision?.Arn
            : null;

    /// <summary>The given subnets, or, as ECS uses the default VPC's, the subnets of Berth's default VPC.</summary>
    private async Task<IReadOnlyList<string>> SubnetsAsync(ExpressGatewayServiceConfiguration configuration, CancellationToken cancellationToken)
    {
        if (configuration.NetworkConfiguration?.Subnets is { } given)
        {
            return given;
        }
        var registry = await new NetworkState(Store).LoadAsync(cancellationToken).ConfigureAwait(false);
        return [.. registry.Subnets.Where(s => s.VpcId == NetworkRegistry.DefaultVpcId).Select(s => s.SubnetId!)];
    }

    /// <summary>Express services are named by their full ARN (<c>…:service/CLUSTER/NAME</c>).</summary>
    private static string ServiceArnOf(string? text) =>
        EcsArn.TryParse(Require.NotBlank(text, "serviceArn"), out var arn) && arn.ResourceType == "service" && arn.ResourceId.Contains('/')
            ? text!
            : throw new InvalidParameterException($"Invalid service ARN: {text}.");
}
