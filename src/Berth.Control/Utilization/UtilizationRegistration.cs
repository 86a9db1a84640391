using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.Utilization;

public static class UtilizationRegistration
{
    public static IServiceCollection AddUtilization(this IServiceCollection services) => services.AddSingleton<UtilizationSamples>();
}
