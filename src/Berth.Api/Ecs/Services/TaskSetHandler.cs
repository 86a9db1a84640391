using Berth.Api.Protocol;
using Berth.Control.Clusters;
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
/// CreateTaskSet, UpdateTaskSet, UpdateServicePrimaryTaskSet, DeleteTaskSet and DescribeTaskSets for services with the
/// EXTERNAL deployment controller (DescribeTaskSets also reads a CODE_DEPLOY service's). Task sets live in their service's record (<see cref="TaskSetRules"/>); these handlers
/// only change it, and the service scheduler starts, registers, drains and stops the tasks.
/// </summary>
internal sealed class TaskSetHandler(ClusterState state, ServiceSignal signal)
{
    private IStateStore Store => state.Store;

    public void Register(JsonService service) => service
        .Add<CreateTaskSetRequest, CreateTaskSetResponse>(CreateAsync)
        .Add<UpdateTaskSetRequest, UpdateTaskSetResponse>(UpdateAsync)
        .Add<UpdateServicePrimaryTaskSetRequest, UpdateServicePrimaryTaskSetResponse>(UpdatePrimaryAsync)
        .Add<DeleteTaskSetRequest, DeleteTaskSetResponse>(DeleteAsync)
        .Add<DescribeTaskSetsRequest, DescribeTaskSetsResponse>(DescribeAsync);

    private async Task<CreateTaskSetResponse> CreateAsync(CreateTaskSetRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var (cluster, current) = await ServiceAsync(request.Cluster, request.Service, context, TaskSetRules.RequireExternal, cancellationToken).ConfigureAwait(false);
        if (TaskSetRules.Created(current.Value.Service, current.Value.Scheduler, request.ClientToken) is { } earlier)
        {
            return new CreateTaskSetResponse { TaskSet = earlier };
        }
        if (request.ServiceRegistries is { Count: > 0 })
        {
            throw new UnsupportedFeatureException("Berth does not support service discovery (serviceRegistries) yet.");
        }
        TagRules.Validate(request.Tags);
        TaskSetRules.ScaleOf(request.Scale);
        var target = LaunchTarget.Resolve(request.LaunchType, request.CapacityProviderStrategy, cluster);
        var launchType = target.LaunchType;
        FargateRules.PlatformVersionFor(launchType, request.PlatformVersion);
        var definition = (await LaunchChecks.LaunchableDefinitionAsync(Store, context.Scope, request.TaskDefinition, launchType, cancellationToken)
            .ConfigureAwait(false)).Value.Definition;
        await LaunchChecks.NetworkOfAsync(Store, definition, request.NetworkConfiguration, launchType, cancellationToken).ConfigureAwait(false);
        if (request.LoadBalancers?.Any(b => b.AdvancedConfiguration is not null) == true)
        {
            throw new InvalidParameterException("loadBalancers.advancedConfiguration is for the ECS deployment controller's blue/green deployments, not task sets.");
        }
        ServiceFactory.ValidateLoadBalancers(request.LoadBalancers, definition);
        await LoadBalancerChecks.ValidateAsync(Store, request.LoadBalancers, definition, cancellationToken).ConfigureAwait(false);
        var launch = new TaskSetRules.Launch(
            definition.TaskDefinitionArn!, target.Strategy is null ? launchType : null, target.Strategy,
            launchType == FargateRules.LaunchType ? request.PlatformVersion ?? "LATEST" : null);
        var id = ServiceRules.NewDeploymentId(Random.Shared);
        var created = await Store.RetryOnConflictAsync(async ct =>
        {
            var record = await FindAsync(current.Id, cluster, ct).ConfigureAwait(false) ?? throw new ServiceNotFoundException();
            var (service, scheduler) = (record.Value.Service, record.Value.Scheduler);
            if (TaskSetRules.Created(service, scheduler, request.ClientToken) is { } retried)
            {
                return retried;
            }
            var taskSet = TaskSetRules.New(service, request, launch, id, context.Now);
            var updated = TaskSetRules.Added(service, taskSet);
            var next = record.Value with { Service = updated, Scheduler = TaskSetRules.Remember(scheduler, updated, request.ClientToken, id) };
            await Store.CommitAsync([EcsRecords.PutService(next, record.Version)], ct).ConfigureAwait(false);
            return taskSet;
        }, cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return new CreateTaskSetResponse { TaskSet = created };
    }

    private async Task<UpdateTaskSetResponse> UpdateAsync(UpdateTaskSetRequest request, RequestContext context, CancellationToken cancellationToken) =>
        new() { TaskSet = await ChangeAsync(request.Cluster, request.Service, context, s => TaskSetRules.Rescaled(s, request.TaskSet!, request.Scale, context.Now), cancellationToken).ConfigureAwait(false) };

    private async Task<UpdateServicePrimaryTaskSetResponse> UpdatePrimaryAsync(
        UpdateServicePrimaryTaskSetRequest request, RequestContext context, CancellationToken cancellationToken) =>
        new() { TaskSet = await ChangeAsync(request.Cluster, request.Service, context, s => TaskSetRules.WithPrimary(s, request.PrimaryTaskSet!, context.Now), cancellationToken).ConfigureAwait(false) };

    private async Task<DeleteTaskSetResponse> DeleteAsync(DeleteTaskSetRequest request, RequestContext context, CancellationToken cancellationToken) =>
        new() { TaskSet = await ChangeAsync(request.Cluster, request.Service, context, s => TaskSetRules.Deleted(s, request.TaskSet!, request.Force == true, context.Now), cancellationToken).ConfigureAwait(false) };

    /// <summary>All the service's task sets, or those named (by id or ARN); a name the service has none for is a MISSING failure.</summary>
    private async Task<DescribeTaskSetsResponse> DescribeAsync(DescribeTaskSetsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        foreach (var field in request.Include ?? [])
        {
            Require.OneOf(field, EcsEnums.TaskSetField, "include");
        }
        var (_, record) = await ServiceAsync(request.Cluster, request.Service, context, TaskSetRules.RequireTaskSets, cancellationToken).ConfigureAwait(false);
        var service = record.Value.Service;
        var withTags = request.Include?.Contains("TAGS") == true;
        var found = new List<TaskSet>();
        var failures = new List<Failure>();
        if (request.TaskSets is not { Count: > 0 } names)
        {
            found.AddRange(service.TaskSets ?? []);
        }
        else
        {
            foreach (var name in names)
            {
                if (TaskSetRules.Find(service, name) is { } taskSet)
                {
                    found.Add(taskSet);
                }
                else
                {
                    failures.Add(new Failure { Arn = name, Reason = "MISSING" });
                }
            }
        }
        return new DescribeTaskSetsResponse { TaskSets = [.. found.Select(s => withTags ? s : TaskSetRules.WithoutTags(s))], Failures = failures };
    }

    /// <summary>One guarded change of the service's task sets; returns the task set it changed, as ECS's responses do.</summary>
    private async Task<TaskSet> ChangeAsync(
        string? clusterName, string? serviceName, RequestContext context, Func<Service, (Service Service, TaskSet TaskSet)> change,
        CancellationToken cancellationToken)
    {
        var (cluster, current) = await ServiceAsync(clusterName, serviceName, context, TaskSetRules.RequireExternal, cancellationToken).ConfigureAwait(false);
        var changed = await Store.RetryOnConflictAsync(async ct =>
        {
            var record = await FindAsync(current.Id, cluster, ct).ConfigureAwait(false) ?? throw new ServiceNotFoundException();
            var (service, taskSet) = change(record.Value.Service);
            if (service != record.Value.Service)
            {
                await Store.CommitAsync([EcsRecords.PutService(record.Value with { Service = service }, record.Version)], ct).ConfigureAwait(false);
            }
            return taskSet;
        }, cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return changed;
    }

    /// <summary>The service the request names, which must use a deployment controller the operation serves (<paramref name="require"/>).</summary>
    private async Task<(Cluster Cluster, Versioned<ServiceRecord> Service)> ServiceAsync(
        string? clusterName, string? serviceName, RequestContext context, Action<Service> require, CancellationToken cancellationToken)
    {
        // Every task set operation's model requires the cluster: a missing one is not taken for "default".
        var cluster = await state.ActiveClusterAsync(context.Scope, Require.NotBlank(clusterName, "cluster"), cancellationToken).ConfigureAwait(false);
        var arn = ServiceRules.ArnOf(context.Scope, cluster, Require.NotBlank(serviceName, "service"));
        var record = await FindAsync(arn, cluster, cancellationToken).ConfigureAwait(false) ?? throw new ServiceNotFoundException();
        require(record.Value.Service);
        return (cluster, record);
    }

    private async Task<Versioned<ServiceRecord>?> FindAsync(string arn, Cluster cluster, CancellationToken cancellationToken) =>
        await Store.GetAsync(EcsRecords.Services, arn, cancellationToken).ConfigureAwait(false) is { } record
            && record.Value.Service.ClusterArn == cluster.ClusterArn
            ? record
            : null;
}
