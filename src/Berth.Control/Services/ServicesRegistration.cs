using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.Services;

internal static class ServicesRegistration
{
    /// <summary>The service scheduler's rounds and its wake-up; needs the task and load balancing services.</summary>
    public static IServiceCollection AddServiceScheduling(this IServiceCollection services) => services
        .AddSingleton<ServiceSignal>()
        .AddSingleton<ServiceTargets>()
        .AddSingleton<ServiceDeploymentHistory>()
        .AddSingleton<ServiceReconciler>();
}
