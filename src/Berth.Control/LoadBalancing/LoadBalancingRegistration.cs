using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.LoadBalancing;

internal static class LoadBalancingRegistration
{
    /// <summary>ELBv2 state, target registration and health, and the in-process target API for the service scheduler.</summary>
    public static IServiceCollection AddLoadBalancing(this IServiceCollection services) => services
        .AddSingleton<ElbLookup>()
        .AddSingleton<ElbChanges>()
        .AddSingleton<TargetHealthRegistry>()
        .AddSingleton<TargetRegistrations>()
        .AddSingleton<ListenerRuleForwards>()
        .AddSingleton<ILoadBalancerTargets>(s => s.GetRequiredService<TargetRegistrations>());
}
