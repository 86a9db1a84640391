using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.LoadBalancing;

internal static class DataPlaneRegistration
{
    /// <summary>The YARP data plane: one listener host per ELBv2 listener, and the active health checks.</summary>
    public static IServiceCollection AddLoadBalancerDataPlane(this IServiceCollection services)
    {
        services.AddSingleton<DataPlaneState>();
        services.AddSingleton<DataPlaneLoader>();
        services.AddHttpForwarder();
        services.AddHostedService<LoadBalancerDataPlane>();
        return services.AddHostedService<HealthChecker>();
    }
}
