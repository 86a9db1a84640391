using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.Daemons;

internal static class DaemonsRegistration
{
    /// <summary>The daemon scheduler's rounds and its wake-up; needs the task services.</summary>
    public static IServiceCollection AddDaemons(this IServiceCollection services) => services
        .AddSingleton<DaemonSignal>()
        .AddSingleton<DaemonReconciler>();
}
