using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.LoadBalancing;

internal static class DataPlaneRegistration
{
    /// <summary>
    /// The YARP data plane: one listener host per ELBv2 listener, the active health checks, the traffic counts its
    /// metrics come from, and the access log (written only when <paramref name="accessLog"/> names a destination).
    /// </summary>
    public static IServiceCollection AddLoadBalancerDataPlane(this IServiceCollection services, AccessLogDestination? accessLog)
    {
        services.AddSingleton<DataPlaneState>();
        services.AddSingleton<DataPlaneLoader>();
        services.AddHttpForwarder();
        services.AddSingleton(new AccessLog(accessLog));
        services.AddSingleton<LoadBalancerTraffic>();
        services.AddHostedService<AccessLogWriter>();
        services.AddHostedService<LoadBalancerDataPlane>();
        return services.AddHostedService<HealthChecker>();
    }
}
