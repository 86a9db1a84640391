using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Berth.Server.Leadership;

internal static class LeadershipRegistration
{
    /// <summary>
    /// The controller lease: the keeper first, so it stops last and releases the lease only once the leader-only
    /// controllers (<see cref="AddLeaderOnly{T}"/>) have stopped.
    /// </summary>
    public static IServiceCollection AddLeadership(this IServiceCollection services) => services
        .AddSingleton<Leadership>()
        .AddHostedService<LeaseKeeper>()
        .AddHostedService<LeaderControllers>();

    /// <summary>A loop that runs only on the lease holder, and with its commits fenced (<see cref="LeaderControllers"/>).</summary>
    public static IServiceCollection AddLeaderOnly<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(
        this IServiceCollection services)
        where T : BackgroundService => services.AddSingleton(new LeaderOnlyController(typeof(T)));
}
