using Berth.Api.Protocol;
using Berth.Control.Clusters;
using Berth.Control.Services;
using Berth.Control.Tasks;
using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;
using Berth.Core.Tasks;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.Tasks;

/// <summary>RunTask, StartTask, StopTask, DescribeTasks and ListTasks.</summary>
internal sealed class TaskHandler(ClusterState state, TaskLauncher launcher, TaskStopper stopper, ServiceSignal services)
{
    /// <summary>ECS limits: RunTask count 1–10, DescribeTasks 100 tasks, 10 constraints, 5 strategies.</summary>
    private const int MaxCount = 10;
    private const int MaxDescribe = 100;
    private const int MaxConstraints = 10;
    private const int MaxStrategies = 5;
    private const string UserInitiated = "UserInitiated";

    private IStateStore Store => state.Store;

    public void Register(JsonService service) => service
        .Add<RunTaskRequest, RunTaskResponse>(RunAsync)
        .Add<StartTaskRequest, StartTaskResponse>(StartAsync)
        .Add<StopTaskRequest, StopTaskResponse>(StopAsync)
        .Add<DescribeTasksRequest, DescribeTasksResponse>(DescribeAsync)
        .Add<ListTasksRequest, ListTasksResponse>(ListAsync);

    private async Task<RunTaskResponse> RunAsync(RunTaskRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var count = request.Count ?? 1;
        Require.That(count is >= 1 and <= MaxCount, $"count must be between 1 and {MaxCount}.");
        Require.That((request.PlacementConstraints?.Count ?? 0) <= MaxConstraints, $"At most {MaxConstraints} placement constraints are allowed.");
        Require.That((request.PlacementStrategy?.Count ?? 0) <= MaxStrategies, $"At most {MaxStrategies} placement strategies are allowed.");
        RunTaskIdempotency.Validate(request.ClientToken);
        RefuseVolumeConfigurations(request.VolumeConfigurations);
        var token = request.ClientToken is { } clientToken ? new TaskLauncher.ClientToken(clientToken, RunTaskIdempotency.RequestHash(request)) : null;
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        var target = LaunchTarget.Resolve(request.LaunchType, request.CapacityProviderStrategy, cluster);
        FargateRules.RefusePlacement(target.LaunchType, request.PlacementStrategy?.Count ?? 0, request.PlacementConstraints?.Count ?? 0);
        FargateRules.ValidateEphemeralStorage(target.LaunchType, request.Overrides?.EphemeralStorage);
        var platformVersion = FargateRules.PlatformVersionFor(target.LaunchType, request.PlatformVersion);
        var prepared = await PrepareAsync(context, cluster, request.TaskDefinition, request.Overrides, request.StartedBy, request.Group,
            request.Tags, request.PropagateTags, request.EnableECSManagedTags, request.EnableExecuteCommand, request.NetworkConfiguration, target.LaunchType,
            cancellationToken).ConfigureAwait(false);
        var launch = prepared with { PlatformVersion = platformVersion };
        var result = target.Strategy is { } strategy
            ? await launcher.RunWithStrategyAsync(context.Scope, cluster, launch, count, strategy, new Dictionary<string, int>(),
                request.PlacementStrategy ?? [], request.PlacementConstraints ?? [], cancellationToken, token).ConfigureAwait(false)
            : await launcher.RunAsync(context.Scope, cluster, launch, count,
                request.PlacementStrategy ?? [], request.PlacementConstraints ?? [], cancellationToken, token).ConfigureAwait(false);
        return new RunTaskResponse { Tasks = result.Tasks.Select(ManagedCapacity.AsReported).ToList(), Failures = result.Failures };
    }

    private async Task<StartTaskResponse> StartAsync(StartTaskRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var names = request.ContainerInstances ?? [];
        Require.Count(names, MaxCount, "containerInstances", "container instances");
        RefuseVolumeConfigurations(request.VolumeConfigurations);
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        var launch = await PrepareAsync(context, cluster, request.TaskDefinition, request.Overrides, request.StartedBy, request.Group,
            request.Tags, request.PropagateTags, request.EnableECSManagedTags, request.EnableExecuteCommand, request.NetworkConfiguration, "EC2",
            cancellationToken).ConfigureAwait(false);
        var arns = names.Select(n => ClusterState.ContainerInstanceArnOf(cluster, n)).ToList();
        var result = await launcher.StartAsync(context.Scope, cluster, launch, arns, cancellationToken).ConfigureAwait(false);
        return new StartTaskResponse { Tasks = result.Tasks, Failures = result.Failures };
    }

    private async Task<StopTaskResponse> StopAsync(StopTaskRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        Require.That((request.Reason?.Length ?? 0) <= 255, "reason can be at most 255 characters.");
        var taskArn = ClusterState.TaskArnOf(cluster, Require.NotBlank(request.Task, "task"));
        var reason = request.Reason ?? "Task stopped by user";
        var stop = await IsBehindLoadBalancerAsync(context, cluster, taskArn, cancellationToken).ConfigureAwait(false)
            ? stopper.DeactivateAsync(taskArn, reason, UserInitiated, context.Now, cancellationToken)
            : stopper.RequestStopAsync(taskArn, reason, UserInitiated, context.Now, cancellationToken);
        var task = await stop.ConfigureAwait(false) ?? throw new InvalidParameterException("The referenced task was not found.");
        // The scheduler deregisters a deactivated task's targets, and starts a replacement, on its next round.
        services.Notify();
        return new StopTaskResponse { Task = ManagedCapacity.AsReported(task) };
    }

    /// <summary>
    /// ECS drains a service task behind a load balancer whoever stops it: StopTask deactivates it as the service
    /// scheduler does, so it leaves its target groups before its containers stop.
    /// </summary>
    private async Task<bool> IsBehindLoadBalancerAsync(RequestContext context, Cluster cluster, string taskArn, CancellationToken cancellationToken)
    {
        var task = await state.FindTaskAsync(cluster, taskArn, cancellationToken).ConfigureAwait(false);
        if (TaskGroups.ServiceNameOf(task?.Value.Group) is not { } serviceName)
        {
            return false;
        }
        var service = await Store.GetAsync(EcsRecords.Services, context.Scope.ServiceArn(cluster.ClusterName!, serviceName), cancellationToken).ConfigureAwait(false);
        return service?.Value.Service is { LoadBalancers.Count: > 0 } loadBalanced && loadBalanced.Status != ServiceStatuses.Inactive;
    }

    private async Task<DescribeTasksResponse> DescribeAsync(DescribeTasksRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        var names = request.Tasks ?? [];
        Require.Count(names, MaxDescribe, "tasks", "tasks");
        foreach (var field in request.Include ?? [])
        {
            Require.OneOf(field, EcsEnums.TaskField, "include");
        }
        var withTags = request.Include?.Contains("TAGS") == true;
        var arns = names.Select(name => ClusterState.TaskArnOf(cluster, name)).ToList();
        var found = await state.FindTasksAsync(cluster, arns, cancellationToken).ConfigureAwait(false);
        var tasks = new List<EcsTask>();
        var failures = new List<Failure>();
        foreach (var arn in arns)
        {
            if (found.GetValueOrDefault(arn) is not { } task)
            {
                failures.Add(new Failure { Arn = arn, Reason = "MISSING" });
            }
            else
            {
                tasks.Add(ManagedCapacity.AsReported(withTags ? task.Value : task.Value with { Tags = null }));
            }
        }
        return new DescribeTasksResponse { Tasks = tasks, Failures = failures };
    }

    /// <summary>Without desiredStatus ECS lists the tasks whose desired status is RUNNING; serviceName or daemonName narrows to one group.</summary>
    private async Task<ListTasksResponse> ListAsync(ListTasksRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, request.Cluster, cancellationToken).ConfigureAwait(false);
        Require.OneOf(request.DesiredStatus, EcsEnums.DesiredStatus, "desiredStatus");
        Require.OneOf(request.LaunchType, EcsEnums.LaunchType, "launchType");
        var desired = request.DesiredStatus ?? TaskStatuses.Running;
        var instanceArn = request.ContainerInstance is { } instance ? ClusterState.ContainerInstanceArnOf(cluster, instance) : null;
        if (request.ServiceName is not null && request.DaemonName is not null)
        {
            throw new InvalidParameterException("serviceName and daemonName cannot both be specified: a task belongs to one service or one daemon.");
        }
        // A daemon's tasks are in its group; ListTasks lists no DaemonNotFoundException, so an unknown daemon has none.
        var group = request.ServiceName is { } service ? TaskGroups.OfService(service)
            : request.DaemonName is { } daemon ? TaskGroups.OfDaemon(daemon)
            : null;
        if (request.ServiceName is { } serviceName
            && await Store.GetAsync(EcsRecords.Services, context.Scope.ServiceArn(cluster.ClusterName!, serviceName), cancellationToken).ConfigureAwait(false) is null)
        {
            throw new ServiceNotFoundException();
        }
        var family = request.Family;
        // Desired status and service through the store's index: only those tasks are read, not the whole cluster's.
        var query = new RecordQuery(EcsRecords.Tasks.Kind, cluster.ClusterArn) { IndexKeyPrefix = EcsRecords.TaskIndexPrefix(desired, group) };
        var page = await Paging.ReadAsync(Store, EcsRecords.Tasks, query,
            t => (instanceArn is null || t.ContainerInstanceArn == instanceArn)
                && (family is null || FamilyOf(t) == family)
                && (request.StartedBy is null || t.StartedBy == request.StartedBy)
                && (request.LaunchType is null || t.LaunchType == request.LaunchType),
            request.MaxResults, request.NextToken, cancellationToken).ConfigureAwait(false);
        return new ListTasksResponse { TaskArns = page.Items.Select(t => t.Id).ToList(), NextToken = page.NextToken };
    }

    /// <summary>The checks RunTask and StartTask share, and the launch they describe.</summary>
    private async Task<TaskLaunch> PrepareAsync(
        RequestContext context, Cluster cluster, string? taskDefinition, TaskOverride? overrides, string? startedBy, string? group,
        IReadOnlyList<Tag>? tags, string? propagateTags, bool? managedTags, bool? executeCommand, NetworkConfiguration? network,
        string launchType, CancellationToken cancellationToken)
    {
        Require.That((startedBy?.Length ?? 0) <= 128, "startedBy can be at most 128 characters.");
        Require.That((group?.Length ?? 0) <= 255, "group can be at most 255 characters.");
        Require.OneOf(propagateTags, EcsEnums.PropagateTags, "propagateTags");
        // ECS API reference, RunTask.propagateTags: "An error will be received if you specify the SERVICE option".
        Require.That(propagateTags != "SERVICE", "propagateTags SERVICE is only valid for tasks started by a service.");
        TagRules.Validate(tags);
        var found = await LaunchChecks.LaunchableDefinitionAsync(Store, context.Scope, taskDefinition, launchType, cancellationToken).ConfigureAwait(false);
        var definition = found.Value.Definition;
        var taskNetwork = await LaunchChecks.NetworkOfAsync(Store, definition, network, launchType, cancellationToken).ConfigureAwait(false);
        EcsTaskFactory.ValidateOverrides(definition, overrides);
        var allTags = TaskTags.For(tags, propagateTags, managedTags == true, new TaskTags.Sources(found.Value.Tags, [], cluster.ClusterName!, null));
        return new TaskLaunch(definition, overrides, startedBy, group ?? $"family:{definition.Family}", allTags, launchType, taskNetwork,
            EnableExecuteCommand: executeCommand == true);
    }

    /// <summary>Amazon EBS volumes attached at launch need EBS, which Berth does not serve: refused, not ignored.</summary>
    private static void RefuseVolumeConfigurations(IReadOnlyList<TaskVolumeConfiguration>? configurations)
    {
        if (configurations is { Count: > 0 })
        {
            throw new UnsupportedFeatureException("Berth does not support volumeConfigurations: it has no Amazon EBS volumes to attach at launch.");
        }
    }

    private static string FamilyOf(EcsTask task)
    {
        var definition = task.TaskDefinitionArn!;
        var name = definition[(definition.IndexOf(":task-definition/", StringComparison.Ordinal) + ":task-definition/".Length)..];
        return name[..name.LastIndexOf(':')];
    }
}
