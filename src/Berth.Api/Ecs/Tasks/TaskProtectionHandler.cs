using Berth.Api.Protocol;
using Berth.Control.Clusters;
using Berth.Control.Services;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Tasks;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.Tasks;

/// <summary>
/// UpdateTaskProtection and GetTaskProtection: task scale-in protection, which the service scheduler honours when
/// it scales in or rolls out a deployment (see <see cref="TaskProtection"/>).
/// </summary>
internal sealed class TaskProtectionHandler(ClusterState state, ServiceSignal services)
{
    private IStateStore Store => state.Store;

    public void Register(JsonService service) => service
        .Add<UpdateTaskProtectionRequest, UpdateTaskProtectionResponse>(UpdateAsync)
        .Add<GetTaskProtectionRequest, GetTaskProtectionResponse>(GetAsync);

    private async Task<UpdateTaskProtectionResponse> UpdateAsync(
        UpdateTaskProtectionRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, Require.NotBlank(request.Cluster, "cluster"), cancellationToken).ConfigureAwait(false);
        var names = request.Tasks ?? [];
        Require.Count(names, TaskProtection.MaxUpdateTasks, "tasks", "tasks");
        var enabled = request.ProtectionEnabled ?? throw new InvalidParameterException("protectionEnabled is required.");
        var expiresAt = TaskProtection.ExpiresAt(context.Now, request.ExpiresInMinutes);
        var arns = names.Select(n => ClusterState.TaskArnOf(cluster, n)).ToList();

        var protectedTasks = new List<ProtectedTask>();
        var failures = new List<Failure>();
        foreach (var arn in arns)
        {
            if (await ServiceTaskFailureAsync(cluster, arn, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                failures.Add(failure);
                continue;
            }
            await Store.RetryOnConflictAsync(async ct =>
            {
                var current = await Store.GetAsync(EcsRecords.TaskProtections, arn, ct).ConfigureAwait(false);
                RecordWrite? write = enabled
                    ? EcsRecords.PutTaskProtection(cluster.ClusterArn!, new TaskProtectionRecord(arn, expiresAt), current?.Version ?? 0)
                    : current is null ? null : EcsRecords.TaskProtections.Delete(current);
                if (write is not null)
                {
                    await Store.CommitAsync([write], ct).ConfigureAwait(false);
                }
                return true;
            }, cancellationToken).ConfigureAwait(false);
            protectedTasks.Add(View(arn, enabled ? expiresAt : null));
        }
        // A scale-in or deployment held back by protection goes on as soon as protection is cleared.
        services.Notify();
        return new UpdateTaskProtectionResponse { ProtectedTasks = protectedTasks, Failures = failures };
    }

    private async Task<GetTaskProtectionResponse> GetAsync(GetTaskProtectionRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var cluster = await state.ActiveClusterAsync(context.Scope, Require.NotBlank(request.Cluster, "cluster"), cancellationToken).ConfigureAwait(false);
        var names = request.Tasks ?? [];
        Require.That(names.Count is >= 1 and <= TaskProtection.MaxGetTasks,
            $"Berth needs tasks: list between 1 and {TaskProtection.MaxGetTasks} tasks to read their protection.");
        var protectedTasks = new List<ProtectedTask>();
        var failures = new List<Failure>();
        foreach (var arn in names.Select(n => ClusterState.TaskArnOf(cluster, n)))
        {
            if (await ServiceTaskFailureAsync(cluster, arn, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                failures.Add(failure);
                continue;
            }
            var record = await Store.GetAsync(EcsRecords.TaskProtections, arn, cancellationToken).ConfigureAwait(false);
            var expiresAt = record?.Value.ExpiresAt;
            protectedTasks.Add(View(arn, TaskProtection.IsProtected(expiresAt, context.Now) ? expiresAt : null));
        }
        return new GetTaskProtectionResponse { ProtectedTasks = protectedTasks, Failures = failures };
    }

    /// <summary>MISSING for a task the cluster does not have; TASK_NOT_VALID for one no service started (ECS's failure reasons).</summary>
    private async Task<Failure?> ServiceTaskFailureAsync(Cluster cluster, string taskArn, CancellationToken cancellationToken)
    {
        var task = await state.FindTaskAsync(cluster, taskArn, cancellationToken).ConfigureAwait(false);
        if (task is null)
        {
            return new Failure { Arn = taskArn, Reason = "MISSING" };
        }
        return TaskProtection.IsServiceTask(task.Value.StartedBy, task.Value.Group)
            ? null
            : new Failure { Arn = taskArn, Reason = TaskProtection.TaskNotValid, Detail = "Task protection is only supported for tasks that belong to a service." };
    }

    private static ProtectedTask View(string taskArn, DateTimeOffset? expiresAt) =>
        new() { TaskArn = taskArn, ProtectionEnabled = expiresAt is not null, ExpirationDate = expiresAt };
}
