using Berth.Api.Protocol;
using Berth.Control.AutoScaling;
using Berth.Core.AutoScaling;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.AutoScaling;

/// <summary>Application Auto Scaling (target prefix AnyScaleFrontendService, AWS JSON 1.1), for ECS services' desired counts.</summary>
internal static class AutoScalingApi
{
    public static IServiceCollection AddAutoScalingApi(this IServiceCollection services) => services.AddSingleton(s =>
    {
        var service = new JsonService(AutoScalingOperations.TargetPrefix, "application-autoscaling", AutoScalingJsonContext.Default, AutoScalingOperations.All);
        new ScalingHandler(s.GetRequiredService<ScalableTargets>(), s.GetRequiredService<ScalingPolicies>(), s.GetRequiredService<ScheduledActions>()).Register(service);
        return service;
    });
}
