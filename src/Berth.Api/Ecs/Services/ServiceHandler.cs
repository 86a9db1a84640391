using Berth.Api.Protocol;
using Berth.Control.Clusters;
using Berth.Control.Express;
using Berth.Control.Services;
using Berth.Control.Tasks;
using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;
using Berth.Core.State;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.Services;

/// <summary>
/// CreateService, UpdateService, DescribeServices, ListServices and DeleteService. These only change the
/// desired state; the service scheduler (a controller) starts and stops the tasks.
/// </summary>
internal sealed class ServiceHandler(ClusterState state, ServiceSignal signal, ServiceDeploymentHistory history)
{
    /// <summary>ECS limits: DescribeServices takes at most 10 services; ListServices returns 10 per page by default.</summary>
    private const int MaxDescribe = 10;
    private const int DefaultListPage = 10;

    private IStateStore Store => state.Store;

    public void Register(JsonService service) => service
        .Add<CreateServiceRequest, CreateServiceResponse>(CreateAsync)
        .Add<UpdateServiceRequest, UpdateServiceResponse>(UpdateAsync)
        .Add<DescribeServicesRequest, DescribeServicesResponse>(DescribeAsync)
        .Add<ListServicesRequest, ListServicesResponse>(ListAsync)
        .Add<DeleteServiceRequest, DeleteServiceResponse>(DeleteAsync);

    private async Task<CreateServiceResponse> CreateAsync(CreateServiceRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        ServiceFactory.ValidateRequest(request);
        // An EXTERNAL service runs nothing of its own: what runs, and where, is each task set's (TaskSetHandler).
        var placement = ExternalController.Is(request.DeploymentController)
            ? new ServiceFactory.Placement(context.Scope, cluster, null, null)
            : await PlacementAsync(request, cluster, context, cancellationToken).ConfigureAwait(false);
        var created = ServiceFactory.Create(request, placement, ServiceRules.NewDeploymentId(Random.Shared), context.PrincipalArn, context.Now);
        var stored = await Store.RetryOnConflictAsync(async ct =>
        {
            var existing = await Store.GetAsync(EcsRecords.Services, created.ServiceArn!, ct).ConfigureAwait(false);
            // ECS keeps a deleted (INACTIVE) service's name free for re-use; a live one must be deleted first, unless
            // this is a retry of the call that created it (its clientToken), which answers that service.
            switch (existing?.Value.Service.Status)
            {
                case ServiceStatuses.Active when request.ClientToken is not null && existing.Value.ClientToken == request.ClientToken:
                    return existing.Value.Service;
                case ServiceStatuses.Active:
                    throw new InvalidParameterException("Creation of service was not idempotent.");
                case ServiceStatuses.Draining:
                    throw new InvalidParameterException("Unable to Start a service that is still Draining.");
            }
            var (record, historyWrites) = await history.SyncAsync(null, new ServiceRecord(created, new SchedulerState(), request.ClientToken), context.Now, ct).ConfigureAwait(false);
            await Store.CommitAsync([EcsRecords.PutService(record, existing?.Version ?? 0), .. historyWrites], ct).ConfigureAwait(false);
            return record.Service;
        }, cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return new CreateServiceResponse { Service = stored };
    }

    /// <summary>Where the service's tasks run and what they run, checked as RunTask checks them.</summary>
    private async Task<ServiceFactory.Placement> PlacementAsync(
        CreateServiceRequest request, Cluster cluster, RequestContext context, CancellationToken cancellationToken)
    {
        var target = LaunchTarget.Resolve(request.LaunchType, request.CapacityProviderStrategy, cluster);
        ServiceRules.RefuseDaemonStrategy(request.SchedulingStrategy, target.Strategy, "create");
        var launchType = target.LaunchType;
        FargateRules.RefusePlacement(launchType, request.PlacementStrategy?.Count ?? 0, request.PlacementConstraints?.Count ?? 0);
        FargateRules.PlatformVersionFor(launchType, request.PlatformVersion);
        var definition = await LaunchChecks.LaunchableDefinitionAsync(Store, context.Scope, request.TaskDefinition, launchType, cancellationToken).ConfigureAwait(false);
        await LaunchChecks.NetworkOfAsync(Store, definition.Value.Definition, request.NetworkConfiguration, launchType, cancellationToken).ConfigureAwait(false);
        await LoadBalancerChecks.ValidateAsync(Store, request.LoadBalancers, definition.Value.Definition, cancellationToken).ConfigureAwait(false);
        return new ServiceFactory.Placement(context.Scope, cluster, definition.Value.Definition, launchType, target.Strategy);
    }

    private async Task<UpdateServiceResponse> UpdateAsync(UpdateServiceRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        var arn = ServiceRules.ArnOf(context.Scope, cluster, Require.NotBlank(request.Service, "service"));
        var current = await FindAsync(arn, cluster, cancellationToken).ConfigureAwait(false) ?? throw new ServiceNotFoundException();
        ExternalController.ValidateUpdateService(current.Value.Service, request);
        CodeDeployController.ValidateUpdateService(current.Value.Service, request);
        var launchType = LaunchTarget.LaunchTypeOf(current.Value.Service);
        if (request.CapacityProviderStrategy is { } strategy)
        {
            ServiceRules.RefuseDaemonStrategy(current.Value.Service.SchedulingStrategy, strategy, "update");
            LaunchTarget.ValidateServiceStrategy(strategy, cluster, launchType);
        }
        var definition = request.TaskDefinition is null
            ? null
            : (await LaunchChecks.LaunchableDefinitionAsync(Store, context.Scope, request.TaskDefinition, launchType, cancellationToken).ConfigureAwait(false)).Value.Definition;
        if (definition is not null || request.NetworkConfiguration is not null)
        {
            // The tasks of the new deployment must be able to join the network: the same checks as RunTask.
            var running = definition ?? (await Store.GetAsync(EcsRecords.TaskDefinitions, current.Value.Service.TaskDefinition!, cancellationToken).ConfigureAwait(false))!.Value.Definition;
            await LaunchChecks.NetworkOfAsync(Store, running, request.NetworkConfiguration ?? current.Value.Service.NetworkConfiguration, launchType, cancellationToken)
                .ConfigureAwait(false);
        }
        if (definition is not null)
        {
            await LoadBalancerChecks.ValidateAsync(Store, request.LoadBalancers ?? current.Value.Service.LoadBalancers, definition, cancellationToken).ConfigureAwait(false);
        }
        var deploymentId = ServiceRules.NewDeploymentId(Random.Shared);
        var updated = await Store.RetryOnConflictAsync(async ct =>
        {
            var record = await FindAsync(arn, cluster, ct).ConfigureAwait(false) ?? throw new ServiceNotFoundException();
            var service = ServiceUpdate.Apply(record.Value.Service, request, definition, deploymentId, context.Now);
            var (next, historyWrites) = await history.SyncAsync(record.Value, record.Value with { Service = service }, context.Now, ct).ConfigureAwait(false);
            await Store.CommitAsync([EcsRecords.PutService(next, record.Version), .. historyWrites], ct).ConfigureAwait(false);
            return next.Service;
        }, cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return new UpdateServiceResponse { Service = WithoutTags(updated) };
    }

    private async Task<DescribeServicesResponse> DescribeAsync(DescribeServicesRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        var names = request.Services ?? [];
        Require.Count(names, MaxDescribe, "services", "services");
        foreach (var field in request.Include ?? [])
        {
            Require.OneOf(field, EcsEnums.ServiceField, "include");
        }
        var withTags = request.Include?.Contains("TAGS") == true;
        var isExpress = await ExpressServices.OfClusterAsync(Store, cluster.ClusterArn!, cancellationToken).ConfigureAwait(false);
        var services = new List<Service>();
        var failures = new List<Failure>();
        foreach (var name in names)
        {
            var arn = ServiceRules.ArnOf(context.Scope, cluster, name);
            if (await FindAsync(arn, cluster, cancellationToken).ConfigureAwait(false) is { } record)
            {
                var service = withTags ? record.Value.Service : WithoutTags(record.Value.Service);
                services.Add(service with { ResourceManagementType = isExpress(arn, service) ? "ECS" : "CUSTOMER" });
            }
            else
            {
                failures.Add(new Failure { Arn = ServiceRules.MissingArnOf(context.Scope, name), Reason = "MISSING" });
            }
        }
        return new DescribeServicesResponse { Services = services, Failures = failures };
    }

    /// <summary>ListServices shows live services (ACTIVE and DRAINING), not deleted ones.</summary>
    private async Task<ListServicesResponse> ListAsync(ListServicesRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        Require.OneOf(request.LaunchType, EcsEnums.LaunchType, "launchType");
        Require.OneOf(request.SchedulingStrategy, EcsEnums.SchedulingStrategy, "schedulingStrategy");
        Require.OneOf(request.ResourceManagementType, EcsEnums.ResourceManagementType, "resourceManagementType");
        // ECS manages Express services (CreateExpressGatewayService); the customer manages every other one.
        var isExpress = request.ResourceManagementType is null
            ? null
            : await ExpressServices.OfClusterAsync(Store, cluster.ClusterArn!, cancellationToken).ConfigureAwait(false);
        var page = await Paging.ReadAsync(Store, EcsRecords.Services, new RecordQuery(EcsRecords.Services.Kind, cluster.ClusterArn),
            r => r.Service.Status != ServiceStatuses.Inactive
                && (request.LaunchType is null || r.Service.LaunchType == request.LaunchType)
                && (request.SchedulingStrategy is null || r.Service.SchedulingStrategy == request.SchedulingStrategy)
                && (isExpress is null || isExpress(r.Service.ServiceArn!, r.Service) == (request.ResourceManagementType == "ECS")),
            request.MaxResults ?? DefaultListPage, request.NextToken, cancellationToken).ConfigureAwait(false);
        return new ListServicesResponse { ServiceArns = page.Items.Select(r => r.Id).ToList(), NextToken = page.NextToken };
    }

    /// <summary>
    /// A replica service must be scaled to zero first unless <c>force</c>; it then goes DRAINING while the
    /// scheduler stops its tasks, and INACTIVE once they are gone (ECS API reference, DeleteService).
    /// </summary>
    private async Task<DeleteServiceResponse> DeleteAsync(DeleteServiceRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        var arn = ServiceRules.ArnOf(context.Scope, cluster, Require.NotBlank(request.Service, "service"));
        var deleted = await Store.RetryOnConflictAsync(async ct =>
        {
            var record = await FindAsync(arn, cluster, ct).ConfigureAwait(false) ?? throw new ServiceNotFoundException();
            var service = record.Value.Service;
            if (service.Status == ServiceStatuses.Inactive)
            {
                throw new ServiceNotActiveException();
            }
            if (service.Status == ServiceStatuses.Draining)
            {
                return service;
            }
            if (request.Force != true && service.SchedulingStrategy != SchedulingStrategies.Daemon && service.DesiredCount > 0)
            {
                throw new InvalidParameterException("The service cannot be stopped while it is scaled above 0.");
            }
            var draining = service with { Status = ServiceStatuses.Draining, DesiredCount = 0 };
            await Store.CommitAsync([EcsRecords.PutService(record.Value with { Service = draining }, record.Version)], ct).ConfigureAwait(false);
            return draining;
        }, cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return new DeleteServiceResponse { Service = WithoutTags(deleted) };
    }

    private async Task<Versioned<ServiceRecord>?> FindAsync(string arn, Cluster cluster, CancellationToken cancellationToken) =>
        await Store.GetAsync(EcsRecords.Services, arn, cancellationToken).ConfigureAwait(false) is { } record
            && record.Value.Service.ClusterArn == cluster.ClusterArn
            ? record
            : null;

    /// <summary>Tags are returned by CreateService and by DescribeServices with include TAGS only.</summary>
    private static Service WithoutTags(Service service) => service with { Tags = null };
}
