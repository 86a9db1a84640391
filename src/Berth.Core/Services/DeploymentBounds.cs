using Berth.Core.Ecs;

namespace Berth.Core.Services;

/// <summary>
/// The two limits a rolling deployment (and instance draining, and unhealthy-task replacement) must respect:
/// at most <see cref="MaximumTasks"/> tasks RUNNING or PENDING across all deployments — desiredCount ×
/// maximumPercent / 100 rounded down — and at least <see cref="MinimumHealthyTasks"/> healthy tasks —
/// desiredCount × minimumHealthyPercent / 100 rounded up (ECS API reference, DeploymentConfiguration).
/// </summary>
internal sealed record DeploymentBounds(int MaximumTasks, int MinimumHealthyTasks)
{
    public static DeploymentBounds For(int desiredCount, DeploymentConfiguration? configuration, string? schedulingStrategy)
    {
        var effective = ServiceRules.EffectiveDeploymentConfiguration(configuration, schedulingStrategy);
        var desired = (long)Math.Max(0, desiredCount);
        var maximum = desired * Math.Max(0, effective.MaximumPercent!.Value) / 100;
        var minimum = (desired * Math.Clamp(effective.MinimumHealthyPercent!.Value, 0, 100) + 99) / 100;
        return new DeploymentBounds((int)Math.Min(maximum, int.MaxValue), (int)minimum);
    }
}
