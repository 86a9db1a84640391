using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.Utilization;

internal static class UtilizationRegistration
{
    public static IServiceCollection AddUtilization(this IServiceCollection services) => services.AddSingleton<UtilizationSamples>();
}
