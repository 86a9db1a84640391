using Berth.Control.Alarms;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.AutoScaling;

internal static class AutoScalingRegistration
{
    /// <summary>Application Auto Scaling: scalable targets, their policies (over CloudWatch alarms) and scheduled actions, and the engine that carries them out.</summary>
    public static IServiceCollection AddAutoScaling(this IServiceCollection services) => services
        .AddSingleton<ScalableTargets>()
        .AddSingleton<ScalingPolicies>()
        .AddSingleton<ScheduledActions>()
        .AddSingleton<ScalingEngine>()
        .AddSingleton<IAlarmActionHandler>(s => s.GetRequiredService<ScalingEngine>());
}
