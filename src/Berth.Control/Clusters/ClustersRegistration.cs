using Berth.Control.Capacity;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.Clusters;

internal static class ClustersRegistration
{
    public static IServiceCollection AddClusters(this IServiceCollection services) => services
        .AddSingleton<ClusterState>()
        .AddSingleton<CapacityProviderDeletions>();
}
