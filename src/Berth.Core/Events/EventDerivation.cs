using System.Text.Json;
using Berth.Core.Ecs;
using Berth.Core.Services;
using Berth.Core.State;

namespace Berth.Core.Events;

/// <summary>
/// The events a committed change of one record means: a pure function of the record before (null when it is new) and
/// after, so the stream says exactly what the store says — no event without a commit, none left out for a commit.
/// </summary>
public static class EventDerivation
{
    /// <summary>
    /// A task that appears, or whose lastStatus or desiredStatus moves, is one task state change, its detail the task as
    /// DescribeTasks reports it without include TAGS. <paramref name="storedTask"/> is the task as the store holds it
    /// (<see cref="StateJsonContext"/>'s JSON as UTF-8, written with the options of the wire's <see cref="EcsJsonContext"/>), so
    /// the detail is that JSON less what the report leaves out (<see cref="StoredTaskJson"/>): never built into a task
    /// and serialized again, nor parsed into a document.
    /// </summary>
    public static IReadOnlyList<EcsEvent> ForTask(TaskStatusPair? previous, ReadOnlyMemory<byte> storedTask, DateTimeOffset now)
    {
        var task = StoredTaskJson.Read(storedTask.Span);
        if (!IsTaskStateChange(previous, task.Statuses))
        {
            return [];
        }
        return [new EcsEvent(EcsEventTypes.TaskStateChange, task.ClusterArn!, [task.TaskArn!], now, task.AsReported(storedTask))];
    }

    /// <summary>
    /// Whether a task write from <paramref name="previous"/> (null: the task is new) to <paramref name="current"/> is a
    /// task state change: <see cref="ForTask(TaskStatusPair?, ReadOnlyMemory{byte}, DateTimeOffset)"/> reports nothing else, so a caller that holds only the two statuses
    /// knows without building the task whether there is an event at all.
    /// </summary>
    public static bool IsTaskStateChange(TaskStatusPair? previous, TaskStatusPair current) => previous != current;

    /// <summary>
    /// Every service event the commit added (oldest first, as they happened), then every deployment whose rolloutState
    /// is new or moved (oldest deployment first, so a rollback reads FAILED before the new IN_PROGRESS).
    /// </summary>
    public static IReadOnlyList<EcsEvent> ForService(Service? previous, Service current, DateTimeOffset now) =>
        [.. AddedServiceEvents(previous, current, now), .. DeploymentChanges(previous, current, now)];

    /// <summary>
    /// A service record's events: its service's (<see cref="ForService(Service?, Service, DateTimeOffset)"/>), then an
    /// <see cref="EcsEventTypes.HookStateChange"/> for each PAUSE lifecycle hook run that started waiting.
    /// </summary>
    public static IReadOnlyList<EcsEvent> ForService(ServiceRecord? previous, ServiceRecord current, DateTimeOffset now) =>
        [.. ForService(previous?.Service, current.Service, now), .. HooksAwaitingAction(previous?.Scheduler, current, now)];

    private static IEnumerable<EcsEvent> HooksAwaitingAction(SchedulerState? previous, ServiceRecord current, DateTimeOffset now)
    {
        var known = (previous?.Shift?.Hooks ?? []).Where(r => r.Status == PauseHooks.AwaitingAction).Select(r => r.HookId).ToHashSet(StringComparer.Ordinal);
        var shift = current.Scheduler.Shift;
        var service = current.Service;
        return (shift?.Hooks ?? [])
            .Where(r => r.Status == PauseHooks.AwaitingAction && !known.Contains(r.HookId))
            .Select(r => new EcsEvent(EcsEventTypes.HookStateChange, service.ClusterArn!, [service.ServiceArn!], now,
                JsonSerializer.SerializeToUtf8Bytes(new HookStateChangeDetail
                {
                    EventType = "INFO",
                    EventName = "HOOK_" + PauseHooks.AwaitingAction,
                    ClusterArn = service.ClusterArn!,
                    ServiceArn = service.ServiceArn!,
                    DeploymentId = shift!.GreenDeploymentId,
                    ServiceDeploymentArn = current.Scheduler.Links.FirstOrDefault(l => l.DeploymentId == shift.GreenDeploymentId)?.ServiceDeploymentArn,
                    HookId = r.HookId,
                    TargetType = PauseHooks.Pause,
                    LifecycleStage = r.Stage,
                    Status = r.Status,
                    ExpiresAt = r.ExpiresAt,
                    TimeoutAction = r.TimeoutAction,
                }, EventJsonContext.Default.HookStateChangeDetail)));
    }

    private static IEnumerable<EcsEvent> AddedServiceEvents(Service? previous, Service current, DateTimeOffset now)
    {
        var known = (previous?.Events ?? []).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        // The list is newest first (ServiceEvents.Prepend).
        return (current.Events ?? []).Where(e => !known.Contains(e.Id)).Reverse().Select(e => new EcsEvent(
            EcsEventTypes.ServiceEvent, current.ClusterArn!, [current.ServiceArn!], now,
            JsonSerializer.SerializeToUtf8Bytes(
                new ServiceEventDetail { ClusterArn = current.ClusterArn!, ServiceArn = current.ServiceArn!, Id = e.Id, CreatedAt = e.CreatedAt, Message = e.Message },
                EventJsonContext.Default.ServiceEventDetail)));
    }

    private static IEnumerable<EcsEvent> DeploymentChanges(Service? previous, Service current, DateTimeOffset now)
    {
        var before = (previous?.Deployments ?? []).ToDictionary(d => d.Id ?? "", d => d.RolloutState, StringComparer.Ordinal);
        // The list is PRIMARY (newest) first.
        return (current.Deployments ?? [])
            .Where(d => d.RolloutState is not null && (!before.TryGetValue(d.Id ?? "", out var state) || state != d.RolloutState))
            .Reverse()
            .Select(d => new EcsEvent(EcsEventTypes.DeploymentStateChange, current.ClusterArn!, [current.ServiceArn!], now,
                JsonSerializer.SerializeToUtf8Bytes(new DeploymentStateChangeDetail
                {
                    EventType = d.RolloutState == "FAILED" ? "ERROR" : "INFO",
                    EventName = $"SERVICE_DEPLOYMENT_{d.RolloutState}",
                    DeploymentId = d.Id,
                    UpdatedAt = d.UpdatedAt,
                    Reason = d.RolloutStateReason,
                }, EventJsonContext.Default.DeploymentStateChangeDetail)));
    }
}
